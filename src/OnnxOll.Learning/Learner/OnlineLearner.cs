using System.Diagnostics;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Streams.Data;
using OnnxOll.Learning.Learner.Logging;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Learner.Standard;
using OnnxOll.Learning.Metrics;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams;

namespace OnnxOll.Learning.Learner;

/// <summary>The online lifelong learner: streams batches, takes SIT gradient steps on the PET tensors and checkpoints; methods change
/// it through <see cref="LearnerPlugin"/>s, and evaluation, the metrics log, plots and the optimizer reset are plugins too.</summary>
/// <remarks>No class count is declared: a label seen for the first time joins the vocabulary. Checkpoints after every
/// <see cref="LearnerOptions.CheckpointEvery"/> batches hold everything a resumed run needs to continue bit-exactly.</remarks>
public sealed class OnlineLearner : IDisposable
{
    /// <summary>Batches the loss moving average spans (the progress line and loss.png).</summary>
    public const int LossWindow = 20;

    private readonly ClipModelRuntime model;
    private readonly LearnerOptions options;
    private readonly ScenarioSpec scenarioSpec;
    private readonly string runDirectory;
    private readonly MetricsLog log;
    private readonly TextFeatures text;
    private readonly BatchTrainer trainer;
    private readonly LearnerCheckpoints checkpoints;
    private readonly LearnerContext context;
    private readonly StepLog stepLog;
    private readonly BatchStaging staging;
    private readonly LearnerHooks hooks;
    private readonly LearnerPlugin[] loggers;

    /// <summary>Prepares a run of <paramref name="model"/> in <paramref name="runDirectory"/>.</summary>
    public OnlineLearner(ClipModelRuntime model, ScenarioSpec scenario, LearnerOptions options, string runDirectory)
    {
        this.model = model;
        this.options = options;
        scenarioSpec = scenario;
        this.runDirectory = Path.GetFullPath(runDirectory);
        Directory.CreateDirectory(this.runDirectory);
        staging = new BatchStaging(model, options.BatchSize);
        Methods = MethodCatalog.Create(options.Methods, new MethodHost(model, options, this.runDirectory, staging.Plan.Capacity));
        trainer = new BatchTrainer(model, options, staging.Plan.Capacity);
        checkpoints = new LearnerCheckpoints(this.runDirectory, model, options, scenario, trainer);
        log = new MetricsLog(this.runDirectory);
        stepLog = new StepLog(log);
        text = new TextFeatures(model, new PromptTemplates(options.Prompts));
        context = new LearnerContext(model, new RunState(), trainer.Pet, options, trainer.Optimizer, trainer.Gradients) { TextOffsets = trainer.Offsets };
        hooks = new LearnerHooks(context, staging.Plan.Capacity, Methods);
        loggers = options.TensorBoardDirectory is { } board
            ? [new MetricsCsvLogger(this.runDirectory), new TensorBoardLogger(board)]
            : [new MetricsCsvLogger(this.runDirectory)];
    }

    /// <summary>Plugins called on the loop's named hooks, in this order, before the methods of <see cref="LearnerOptions.Methods"/> and the standard ones.</summary>
    public IList<LearnerPlugin> Plugins { get; } = new List<LearnerPlugin>();

    /// <summary>The plugins the learner made for <see cref="LearnerOptions.Methods"/>, in order (it disposes them).</summary>
    public IReadOnlyList<LearnerPlugin> Methods { get; }

    /// <summary>Stream position of the next sample to learn (after <see cref="Resume"/>, the checkpoint's).</summary>
    public long Cursor => context.Cursor;

    /// <summary>The PET tensors being learned.</summary>
    public PetParameters Pet => trainer.Pet;

    /// <summary>Resumes from the latest good checkpoint in the run directory; returns a note of what was restored. Plugins receive
    /// their saved state when the run starts.</summary>
    /// <remarks>Leftovers of an interrupted save are deleted first. Newer checkpoints that fail their checks are set aside
    /// (renamed <c>*.rejected</c>) and reported through <paramref name="warning"/>, so pruning never counts them.</remarks>
    /// <exception cref="CheckpointMismatchException">The checkpoint belongs to another model or PET spec.</exception>
    /// <exception cref="InvalidDataException">The folder holds checkpoints but none passes its checks.</exception>
    public string Resume(Action<string>? warning = null)
    {
        var (note, resumed) = checkpoints.Resume(context, warning);
        if (resumed)
        {
            stepLog.Resume(context.State, warning);
        }

        return note;
    }

    /// <summary>Learns the stream of <paramref name="data"/> from the current position to its end, or until cancelled.</summary>
    public LearnerResult Run(DataSplits data, IProgress<LearnerProgress>? progress = null, Action<string>? warning = null, CancellationToken cancellationToken = default)
    {
        using var carved = LearnerData.Carve(data, options);
        var scenario = scenarioSpec.Build(carved.Stream.Labels);
        if (Cursor > scenario.Entries.Count)
        {
            throw new InvalidDataException($"{runDirectory}: the checkpoint's stream position {Cursor} is beyond the {scenario.Entries.Count} samples of this data; the data changed since the run started.");
        }

        using var evaluation = carved.Evaluation is null ? null : new LearnerEvaluation(model, carved.Evaluation, trainer, text, log, context, hooks);
        var state = context.State;
        bool holdout = carved.Holdout.Count > 0 && evaluation is not null;
        if (holdout && state.ZeroShotBefore is null)
        {
            text.Extend(state.Vocabulary, trainer.Pet);
            state.ZeroShotBefore = evaluation!.EvaluateHoldout(carved.Holdout);
        }

        var prefetch = new PrefetchOptions { BatchSize = options.BatchSize, Strict = options.Strict, Warning = warning };
        using var stream = new DatasetStream(carved.Stream, scenario, new SamplePreparer(model.Preprocessing).Prepare, prefetch, Cursor, cancellationToken);
        LearnerPlugin[] standard = evaluation is null ? [] : [new EvaluationSchedule(evaluation, options.EvalEvery), new RunPlots(runDirectory, log, scenario)];
        var clock = Stopwatch.StartNew();
        long startSamples = state.SamplesSeen;
        bool completed = Learn(stream, standard, progress, cancellationToken);
        return Finish(scenario.TaskCount, completed && holdout ? evaluation!.EvaluateHoldout(carved.Holdout) : null, completed, startSamples, clock);
    }

    /// <summary>Learns a live or external <paramref name="stream"/> (opened at <see cref="Cursor"/>) until it ends or is cancelled.</summary>
    /// <remarks>There is no test split: no evaluations run; the final checkpoint covers every batch trained on.</remarks>
    public LearnerResult Run(ILearnerStream stream, IProgress<LearnerProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var clock = Stopwatch.StartNew();
        long startSamples = context.State.SamplesSeen;
        bool completed = Learn(stream, [], progress, cancellationToken);
        return Finish(context.State.Task + 1, null, completed, startSamples, clock);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        trainer.Dispose();
        text.Dispose();
        hooks.Dispose();
        foreach (var logger in loggers.OfType<IDisposable>())
        {
            logger.Dispose();
        }
    }

    private bool Learn(ILearnerStream stream, IReadOnlyList<LearnerPlugin> standard, IProgress<LearnerProgress>? progress, CancellationToken cancellationToken)
    {
        hooks.Assemble(Plugins, [stepLog, .. loggers, .. standard]);
        checkpoints.RestorePlugins(hooks.Plugins, context);
        trainer.Prepare(hooks.Plugins.SelectMany(p => p.LossTerms(context)).ToArray(), context.TermInputs);
        var state = context.State;
        text.Extend(state.Vocabulary, trainer.Pet);
        int skippedBefore = state.SkippedSamples;
        bool completed = true;
        hooks.Fire(static (p, c) => p.BeforeRun(c));
        try
        {
            while (stream.ReadBatch(cancellationToken) is { } batch)
            {
                hooks.BeforeBatchOf(batch.Task);
                TrainOn(batch, stream.Name);
                state.SkippedSamples = skippedBefore + stream.SkippedCount;
                context.Cursor = batch.EndPosition;
                hooks.Fire(static (p, c) => p.AfterBatch(c));
                (context.Batch, context.Plan, context.BatchLoss, context.StreamAccuracy) = (null, null, null, null);
                checkpoints.SaveIfDue(stream, context, hooks, log, final: false);

                progress?.Report(LearnerProgress.Of(state, stream.Length, stepLog.Average));
            }

            hooks.EndStream();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            completed = false;
        }

        checkpoints.SaveIfDue(stream, context, hooks, log, final: true);

        context.Cancelled = !completed;
        hooks.Fire(static (p, c) => p.AfterRun(c));
        return completed;
    }

    /// <summary>Stages the planned batch, trains on it and advances the counters past the stream's samples.</summary>
    private void TrainOn(SampleBatch<float[]> batch, string streamName)
    {
        var state = context.State;
        context.Batch = batch;
        staging.Stage(batch, streamName, context, hooks);
        text.Extend(state.Vocabulary, trainer.Pet);
        hooks.Fire(static (p, c) => p.BeforeBatch(c));
        var trained = staging.Count > 0 && !options.ZeroShot ? trainer.Train(staging.Pixels, staging.Labels, state.Vocabulary.Count, text, context, hooks) : null;
        trainer.UpdatePrototypes(staging.Pixels, staging.StreamLabels);
        state.SamplesSeen += batch.Samples.Count;
        state.Batches++;
        context.LastStep = trained is { } t
            ? new StepRecord(state.Batches, state.SamplesSeen, state.Task, t.Loss, t.GradNorm, options.LearningRate, trainer.VisibleCount, context.StreamAccuracy)
            : null;
    }

    private LearnerResult Finish(int taskCount, double? zeroShotAfter, bool completed, long startSamples, Stopwatch clock) =>
        RunSummary.Finish(context.State, completed ? log : null, taskCount, zeroShotAfter, completed, startSamples, clock, hooks.SummaryMetrics());
}
