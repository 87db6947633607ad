using OnnxOll.Jobs;
using OnnxOll.Streams;
using OnnxOll.Streams.Sources;

namespace OnnxOll.Serving;

/// <summary>The service's learner: the shared online learner fed by the service's source (the run's ingest log or a Redis stream)
/// on a thread of its own, publishing PET snapshots.</summary>
/// <remarks>On start it resumes from the run's latest good checkpoint and reads the source from the position that checkpoint
/// covers, so after a crash every accepted observation is trained exactly once. Stopping writes a final checkpoint.</remarks>
public sealed class LiveLearner : IDisposable
{
    private readonly LearningJob job;
    private readonly PrequentialScorer scorer;
    private readonly ServicePlugin plugin;
    private readonly ILearnerStream stream;
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;
    private volatile Exception? failure;
    private readonly Action<string> note;
    private bool disposed;

    private LiveLearner(ServeOptions options, ServiceMetrics metrics, Action<string> note)
    {
        this.note = note;
        string dataSpec = options.Data ?? IngestLogSource.Spec;
        StreamSpecs.CheckLive(dataSpec); // a malformed spec is refused before the run folder records it
        job = LearningJob.Open(
            new LearningJobSettings
            {
                ModelDirectory = options.ModelDirectory,
                DataSpec = dataSpec,
                RunDirectory = options.RunDirectory,
                Pet = options.Pet,
                Learner = options.Learner,
                Resume = true,
                Sessions = options.Sessions,
                Frozen = options.Frozen,
                IngestLog = options.LogOptions,
            },
            note,
            note);
        try
        {
            Source = job.Live!;
            stream = job.LiveStream!;
            scorer = new PrequentialScorer(job.Model, options.Learner.Prompts);
            plugin = new ServicePlugin(metrics, scorer, options.RunDirectory);
            job.Learner.Plugins.Add(plugin);
            job.Learner.Plugins.Add(new CheckpointNotes(note));
            Predictor = new Predictor(job.Model, options.Learner.Prompts);
            var source = Source;
            metrics.Registry.AddBeforeCollectCallback(() => metrics.Lag.Set(source.Counters().Lag));
        }
        catch
        {
            Dispose();
            throw;
        }

        thread = new Thread(Learn) { Name = "onnxoll-learner", IsBackground = true };
    }

    /// <summary>Where accepted observations are stored and read back by the learner.</summary>
    public IObservationSource Source { get; } = null!;

    /// <summary>Predictions with the newest PET snapshot.</summary>
    public Predictor Predictor { get; } = null!;

    /// <summary>The newest PET snapshot.</summary>
    public PetSnapshot? Snapshot => plugin?.Snapshot;

    /// <summary>Why the learner stopped, if it failed.</summary>
    public Exception? Failure => failure;

    /// <summary>Opens the model, log and run, resumes, and starts learning; returns once the resumed state is published.</summary>
    public static LiveLearner Start(ServeOptions options, ServiceMetrics metrics, Action<string> note)
    {
        var live = new LiveLearner(options, metrics, note);
        live.thread.Start();

        // Ready once the learner published its first snapshot (the resumed state), so status and predict see it.
        while (live.Snapshot is null && live.thread.IsAlive)
        {
            Thread.Sleep(5);
        }

        if (live.failure is { } failed)
        {
            live.Dispose();
            throw new InvalidOperationException($"The learner failed to start: {failed.Message}", failed);
        }

        return live;
    }

    /// <summary>Current counters, learning curve and checkpoint.</summary>
    public ServiceStatus Status(IReadOnlyList<RecentPrediction> predictions)
    {
        var snapshot = Snapshot;
        var history = plugin.History();
        var (checkpoint, cursor) = plugin.Checkpoint;
        var counters = Source.Counters();
        return new ServiceStatus(
            snapshot is not null && failure is null,
            snapshot?.Samples ?? 0,
            snapshot?.Batches ?? 0,
            Source.DataSpec,
            counters.End,
            counters.Consumed,
            counters.Lag,
            snapshot?.Vocabulary ?? [],
            history.Count > 0 && double.IsFinite(history[^1].Loss) ? history[^1].Loss : null,
            history.Count > 0 ? history[^1].Accuracy : null,
            checkpoint is null ? null : Path.GetFileName(checkpoint),
            cursor,
            stream.SkippedCount,
            plugin.SkippedSteps,
            history,
            predictions,
            failure?.Message);
    }

    /// <summary>Stops learning (a final checkpoint covers what was learned) and releases the model and the log.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        stop.Cancel();
        if (thread is { IsAlive: true })
        {
            thread.Join();
        }

        if (plugin is not null)
        {
            note(StopSummary(Status([])));
        }

        Predictor?.Dispose();
        scorer?.Dispose();
        job?.Dispose();
        stop.Dispose();
    }

    /// <summary>The line serve prints when it stops: what the run holds and what the log still holds unlearned.</summary>
    public static string StopSummary(ServiceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        string checkpoint = status.Checkpoint is null ? "no checkpoint" : $"checkpoint {status.Checkpoint} covers log position {status.CheckpointCursor}";
        return $"stopped: {status.SamplesLearned} samples learned in {status.Batches} batches; {checkpoint}; {status.Lag} logged observations not yet learned";
    }

    private void Learn()
    {
        try
        {
            job.Run(null, null, stop.Token);
        }
        catch (Exception ex)
        {
            failure = ex;
        }
    }
}
