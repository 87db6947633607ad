using OnnxOll.Deploy.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Runs;
using OnnxOll.Streams;
using OnnxOll.Streams.Data;
using OnnxOll.Streams.Redis;
using OnnxOll.Streams.Sources;

namespace OnnxOll.Jobs;

/// <summary>One learning job, as <c>learn</c>, <c>serve</c> and the benchmark run it: owns the run folder, opens the model and the
/// stream, builds the learner with its methods, starts from an initial adapter or resumes, learns, and marks the run finished.</summary>
/// <remarks>A job that fails before it learned anything leaves no run folder behind (<see cref="RunFolder.DiscardIfUnused"/>).</remarks>
public sealed class LearningJob : IDisposable
{
    private readonly RunFolder folder;
    private readonly OpenedStream? opened;
    private readonly ILearnerStream? liveStream;
    private readonly OnlineLearner? learner;

    private LearningJob(LearningJobSettings settings, Action<string> note, Action<string> warn)
    {
        (Settings, var init) = InitialAdapter.Resolve(settings, warn);
        Settings = Settings with { Pet = MethodCatalog.WithPet(Settings.Pet, Settings.Learner.Methods) };
        Model = ClipModelRuntime.Open(Settings.ModelDirectory, Settings.Pet, Settings.Sessions, Settings.Frozen);
        try
        {
            // The lock comes first: only the folder's owner may open (and recover) its log.
            folder = RunFolder.Open(Settings.RunDirectory, RecordedSettings(), Settings.Resume);
            foreach (var line in folder.Notes)
            {
                note(line);
            }

            if (folder.FinishedUtc is not null)
            {
                return;
            }

            opened = StreamSpecs.Open(Settings.DataSpec, LiveOptions());
            if (opened.Live?.Recovery is { } recovery)
            {
                note(recovery);
            }

            foreach (var warning in opened.DataSet is { } data ? DataWarnings.Check(data, Settings.DataSpec) : [])
            {
                warn(warning);
            }

            learner = new OnlineLearner(Model, Settings.Scenario, Settings.Learner, Settings.RunDirectory);
            if (init is not null)
            {
                Start(init);
                note($"starting from {init.Description}");
            }

            if (Settings.Resume)
            {
                note(learner.Resume(warn));
            }

            liveStream = opened.Live is { } live ? OpenLive(live, warn) : null;
        }
        catch
        {
            // A run this process started that failed before learning anything (Redis unreachable, ...) leaves no folder behind.
            folder?.DiscardIfUnused();
            Dispose();
            throw;
        }
    }

    /// <summary>The settings as resolved (an initial adapter's PET spec and prompts applied).</summary>
    public LearningJobSettings Settings { get; }

    /// <summary>The model being learned.</summary>
    public ClipModelRuntime Model { get; }

    /// <summary>When the run finished before this job opened it (then there is nothing to learn), or null.</summary>
    public string? FinishedUtc => folder.FinishedUtc;

    /// <summary>The learner (null when the run had already finished); plugins may be added before <see cref="Run"/>.</summary>
    public OnlineLearner Learner => learner ?? throw new InvalidOperationException($"Run {folder.Directory} finished at {FinishedUtc}; there is nothing to learn.");

    /// <summary>The live source (Redis stream or ingest log), or null for a data set.</summary>
    public IObservationSource? Live => opened?.Live;

    /// <summary>The live stream the learner reads, opened at the learner's cursor, or null for a data set.</summary>
    public ILearnerStream? LiveStream => liveStream;

    /// <summary>Opens the model, the run folder and the stream, and prepares the learner (resumed when asked).</summary>
    /// <param name="settings">What to learn and where.</param>
    /// <param name="note">Receives what the user should know (settings recorded, checkpoint restored, ...).</param>
    /// <param name="warn">Receives warnings (skipped checkpoints, data oddities, a model mismatch allowed).</param>
    public static LearningJob Open(LearningJobSettings settings, Action<string> note, Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new LearningJob(settings, note, warn);
    }

    /// <summary>Learns the stream to its end (a data set; then the run is marked finished) or until it ends or is cancelled.</summary>
    public LearnerResult Run(IProgress<LearnerProgress>? progress, Action<string>? warn, CancellationToken cancellationToken)
    {
        try
        {
            if (liveStream is not null)
            {
                return Learner.Run(liveStream, progress, cancellationToken);
            }

            var result = Learner.Run(opened!.DataSet!, progress, warn, cancellationToken);
            if (result.Completed)
            {
                folder.MarkFinished(result.Summary.SamplesSeen);
            }

            return result;
        }
        catch
        {
            folder.DiscardIfUnused();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        liveStream?.Dispose();
        learner?.Dispose();
        Model?.Dispose();
        opened?.Dispose();
        folder?.Dispose();
    }

    private RunSettings RecordedSettings() =>
        RunSettings.Create(Model.ModelHash, Model.Layout.Spec.ToString(), Settings.DataSpec, Settings.Scenario.ToString(), Settings.Learner,
            Settings.Frozen.ToString().ToLowerInvariant()) with
        { ModelDirectory = Path.GetFullPath(Settings.ModelDirectory) };

    private LiveStreamOptions LiveOptions() => Settings.IngestLog is { } log
        ? new LiveStreamOptions(Settings.Learner.BatchSize) { LogDirectory = Path.Combine(Settings.RunDirectory, "ingest"), Log = log }
        : new LiveStreamOptions(Settings.Learner.BatchSize);

    private void Start(PetSource init)
    {
        var values = init.Load(Model.Layout);
        foreach (var t in Model.Layout.Tensors)
        {
            values[t.Name].AsSpan().CopyTo(learner!.Pet[t.Name]);
        }
    }

    /// <summary>Opens a live source at the learner's cursor; a Redis stream notes the pending entries the checkpoint already covers.</summary>
    private ILearnerStream OpenLive(IObservationSource source, Action<string> warn)
    {
        var preparer = new SamplePreparer(Model.Preprocessing);
        var stream = source.OpenStream(learner!.Cursor, preparer.Prepare, warn);
        if (stream is RedisLearnerStream { AcknowledgedAtOpen: var acknowledged, RedeliveredAtOpen: var redelivered } && acknowledged + redelivered > 0)
        {
            warn($"{stream.Name}: {acknowledged} pending entries already covered by the checkpoint acknowledged, {redelivered} re-delivered");
        }

        return stream;
    }
}
