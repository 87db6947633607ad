using System.Diagnostics;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Serving;

/// <summary>Connects the learner to the service: publishes a PET snapshot after every batch (with a DDAS run's router
/// from its latest checkpoint), and keeps the learning curve, metrics and checkpoint for status.</summary>
/// <remarks>The curve is the run's step log: its test-then-train accuracy goes into each batch's step record, and on start the curve is
/// read back from metrics.jsonl (cut back to the resumed checkpoint), so it survives a restart and its points are the log's.</remarks>
internal sealed class ServicePlugin(ServiceMetrics metrics, PrequentialScorer scorer, string runDirectory) : LearnerPlugin
{
    private const int HistoryLimit = 2000;
    private readonly object gate = new();
    private readonly List<StatusPoint> history = [];
    private readonly Stopwatch clock = new();
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

        string log = Path.Combine(runDirectory, MetricsLog.RecordsFileName);
        lock (gate)
        {
            history.Clear();
            foreach (var step in File.Exists(log) ? MetricsLog.ReadSteps(log) : [])
            {
                Add(step);
            }
        }

        Publish(context);
    }

    public override void BeforeBatch(LearnerContext context)
    {
        clock.Restart();
        context.StreamAccuracy = scorer.Score(context);
    }

    public override void AfterBatch(LearnerContext context)
    {
        Publish(context);
        metrics.BatchSeconds.Observe(clock.Elapsed.TotalSeconds);
        metrics.Learned.Inc(context.Batch!.Samples.Count);
        metrics.SkippedImages.Set(context.State.SkippedSamples);
        metrics.SkippedSteps.Set(context.State.SkippedSteps);
        SkippedSteps = context.State.SkippedSteps;
        if (context.LastStep is { } step)
        {
            metrics.Loss.Set(step.Loss);
            lock (gate)
            {
                Add(step);
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

    private void Add(StepRecord step)
    {
        history.Add(new StatusPoint(step.SamplesSeen, step.Loss, step.StreamAccuracy));
        if (history.Count > HistoryLimit)
        {
            history.RemoveRange(0, history.Count - HistoryLimit);
        }
    }

    private void Publish(LearnerContext context)
    {
        Volatile.Write(ref snapshot, PetSnapshot.Copy(context.State.Batches, context.State.SamplesSeen, context.Pet, context.State.Vocabulary.Names, router));
    }
}
