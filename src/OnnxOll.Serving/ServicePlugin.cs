using System.Diagnostics;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Serving;

/// <summary>Connects the learner to the service: publishes a PET snapshot after every batch (with a DDAS run's router from its latest
/// checkpoint), and keeps the learning curve, metrics and checkpoint for status.</summary>
internal sealed class ServicePlugin(ServiceMetrics metrics, PrequentialScorer scorer) : LearnerPlugin
{
    private const int HistoryLimit = 2000;
    private readonly object gate = new();
    private readonly List<StatusPoint> history = [];
    private readonly Stopwatch clock = new();
    private double lossSum;
    private int lossCount;
    private double? accuracy;
    private PetSnapshot? snapshot;
    private AutoencoderRouter? router;

    /// <summary>The newest PET tensors (null before the learner started).</summary>
    public PetSnapshot? Snapshot => Volatile.Read(ref snapshot);

    /// <summary>Manifest of the latest checkpoint and the log cursor it covers.</summary>
    public (string? Path, long? Cursor) Checkpoint { get; private set; }

    /// <summary>Gradient steps skipped so far.</summary>
    public int SkippedSteps { get; private set; }

    /// <summary>The learning curve so far (bounded).</summary>
    public IReadOnlyList<StatusPoint> History()
    {
        lock (gate)
        {
            return history.ToArray();
        }
    }

    public override void BeforeRun(LearnerContext context)
    {
        if (context.LastCheckpoint is not null)
        {
            Checkpoint = (context.LastCheckpoint, context.Cursor);
            LoadRouter(context);
        }

        Publish(context);
    }

    public override void BeforeBatch(LearnerContext context)
    {
        clock.Restart();
        accuracy = scorer.Score(context);
        lossSum = 0;
        lossCount = 0;
    }

    public override void AfterStep(LearnerContext context)
    {
        if (!context.StepSkipped)
        {
            lossSum += context.Loss;
            lossCount++;
        }
    }

    public override void AfterBatch(LearnerContext context)
    {
        Publish(context);
        metrics.BatchSeconds.Observe(clock.Elapsed.TotalSeconds);
        metrics.Learned.Inc(context.Batch!.Samples.Count);
        metrics.SkippedImages.Set(context.State.SkippedSamples);
        metrics.SkippedSteps.Set(context.State.SkippedSteps);
        SkippedSteps = context.State.SkippedSteps;
        if (lossCount > 0)
        {
            metrics.Loss.Set(lossSum / lossCount);
        }

        lock (gate)
        {
            history.Add(new StatusPoint(context.State.SamplesSeen, lossCount > 0 ? lossSum / lossCount : double.NaN, accuracy));
            if (history.Count > HistoryLimit)
            {
                history.RemoveRange(0, history.Count - HistoryLimit);
            }
        }
    }

    public override void AfterCheckpoint(LearnerContext context)
    {
        if (LoadRouter(context))
        {
            Publish(context);
        }

        Checkpoint = (context.LastCheckpoint, context.Cursor);
    }

    /// <summary>A run learning with DDAS routes predictions with the router its newest checkpoint holds (read back, so the learner
    /// thread never shares the autoencoders it trains); returns true when it loaded one.</summary>
    private bool LoadRouter(LearnerContext context)
    {
        if (context.LastCheckpoint is not { } manifest || !context.Options.Methods.Any(m => m.Name == DistributionSelector.PluginName))
        {
            return false;
        }

        router = DistributionSelector.LoadRouter(Path.GetDirectoryName(Path.GetFullPath(manifest))!);
        return true;
    }

    private void Publish(LearnerContext context)
    {
        Volatile.Write(ref snapshot, PetSnapshot.Copy(context.State.Batches, context.State.SamplesSeen, context.Pet, context.State.Vocabulary.Names, router));
    }
}
