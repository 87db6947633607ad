using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Data;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Metrics;
using OnnxOll.Learning.Optim;
using OnnxOll.Learning.Scenarios;
using OnnxOll.Learning.Streams;

namespace OnnxOll.Learning.Learner;

/// <summary>The online lifelong learner: streams batches, takes SIT gradient steps on the PET tensors, evaluates and checkpoints.</summary>
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
    private readonly PetParameters pet;
    private readonly Dictionary<string, float[]> gradients;
    private readonly AdamW optimizer;
    private readonly RunState state = new();
    private readonly CheckpointStore store;
    private readonly MetricsLog log;
    private readonly TextFeatures text;
    private readonly TrainingStep step;
    private readonly LearnerContext context;
    private readonly PrototypeMemory prototypes;
    private readonly ImageEmbedder? embedder;
    private readonly float[] batchEmbeds;
    private readonly TextOffsets? offsets;
    private readonly DistillationTeacher? teacher;
    private readonly StepTerms terms;
    private readonly MovingAverage lossAverage = new(LossWindow);
    private long cursor;

    /// <summary>Prepares a run of <paramref name="model"/> in <paramref name="runDirectory"/>.</summary>
    public OnlineLearner(ClipModelRuntime model, ScenarioSpec scenario, LearnerOptions options, string runDirectory)
    {
        this.model = model;
        this.options = options;
        scenarioSpec = scenario;
        this.runDirectory = Path.GetFullPath(runDirectory);
        Directory.CreateDirectory(this.runDirectory);
        pet = PetParameters.Create(model.Layout, options.Seed);
        gradients = model.Layout.Tensors.ToDictionary(t => t.Name, t => new float[t.ElementCount], StringComparer.Ordinal);
        optimizer = new AdamW(
            model.Layout.Tensors.Select(t => new NamedParameter(t.Name, pet[t.Name], gradients[t.Name])).ToArray(),
            new AdamWOptions { LearningRate = options.LearningRate, WeightDecay = options.WeightDecay });
        store = new CheckpointStore(this.runDirectory, Math.Max(1, options.KeepCheckpoints));
        log = new MetricsLog(this.runDirectory);
        text = new TextFeatures(model, new PromptTemplates(options.Prompts));
        step = new TrainingStep(model, new ClipTrainingOptions
        {
            DoubleSoftmax = options.CompatDoubleSoftmax,
            Dropout = options.Dropout,
            SeenWeight = options.SeenWeight,
            DistillWeight = options.DistillWeight,
            TextOffset = options.TextOffsetLearningRate > 0,
        }, options.BatchSize);
        context = new LearnerContext(state, pet, options);
        prototypes = new PrototypeMemory(model.Config.ProjectionDim);
        embedder = options.PrototypeWeight > 0 ? new ImageEmbedder(model) : null;
        batchEmbeds = new float[embedder is null ? 0 : options.BatchSize * model.Config.ProjectionDim];
        offsets = options.TextOffsetLearningRate > 0 ? new TextOffsets(model.Config.ProjectionDim, options.TextOffsetLearningRate) : null;
        teacher = options.DistillWeight > 0 && !options.ZeroShot
            ? new DistillationTeacher(model, options.DistillClassNames, new PromptTemplates(options.Prompts), options.BatchSize)
            : null;
        terms = new StepTerms
        {
            ReferenceText = teacher?.ReferenceText,
            ReferenceCount = teacher?.Count ?? 0,
            TeacherProbabilities = new float[teacher is null ? 0 : options.BatchSize * teacher.Count],
        };
    }

    /// <summary>Plugins called on the loop's named hooks, in this order.</summary>
    public IList<LearnerPlugin> Plugins { get; } = new List<LearnerPlugin>();

    /// <summary>Stream position of the next sample to learn (after <see cref="Resume"/>, the checkpoint's).</summary>
    public long Cursor => cursor;

    /// <summary>The PET tensors being learned.</summary>
    public PetParameters Pet => pet;

    /// <summary>Resumes from the latest good checkpoint in the run directory; returns a note of what was restored.</summary>
    /// <remarks>Leftovers of an interrupted save are deleted first. Newer checkpoints that fail their checks are set aside
    /// (renamed <c>*.rejected</c>) and reported through <paramref name="warning"/>, so pruning never counts them.</remarks>
    /// <exception cref="CheckpointMismatchException">The checkpoint belongs to another model or PET spec.</exception>
    /// <exception cref="InvalidDataException">The folder holds checkpoints but none passes its checks.</exception>
    public string Resume(Action<string>? warning = null)
    {
        var removed = store.RemoveOrphans();
        if (removed.Count > 0)
        {
            warning?.Invoke($"removed what an interrupted checkpoint save left: {string.Join(", ", removed)}");
        }

        var loaded = store.LoadLatest(model.ModelHash, model.Layout.Spec.ToString(), ResumeChecks.For(options, scenarioSpec, model.Layout));
        if (loaded.Checkpoint is not { } checkpoint)
        {
            return loaded.Skipped.Count == 0
                ? "no checkpoint found; starting from scratch"
                : throw new InvalidDataException($"{runDirectory}: no checkpoint can be resumed ({string.Join("; ", loaded.Skipped)}); nothing was changed.");
        }

        if (loaded.Skipped.Count > 0)
        {
            var aside = store.SetAsideNewerThan(checkpoint.Step);
            warning?.Invoke($"FELL BACK to {Path.GetFileName(loaded.ManifestPath)} (step {checkpoint.Step}): {string.Join("; ", loaded.Skipped)}; set aside as *{CheckpointStore.RejectedSuffix}: {string.Join(", ", aside)}");
        }

        foreach (var tensor in checkpoint.Tensors)
        {
            tensor.Data.AsSpan().CopyTo(pet[tensor.Name]);
        }

        if (checkpoint.Optimizer is { } optimizerState)
        {
            optimizer.ImportState(optimizerState);
        }

        if (embedder is not null)
        {
            prototypes.Restore(checkpoint.State, loaded.ManifestPath!);
        }

        offsets?.Restore(checkpoint.State, loaded.ManifestPath!);

        state.Restore(checkpoint.Counters, checkpoint.Metrics, loaded.ManifestPath!);
        cursor = checkpoint.StreamCursor;
        context.LastCheckpoint = loaded.ManifestPath;
        foreach (var kept in log.RewriteForResume(state.Batches, state.Records, warning))
        {
            lossAverage.Add(kept.Loss);
        }

        return $"resumed from {Path.GetFileName(loaded.ManifestPath)} (step {checkpoint.Step}) at sample {cursor}";
    }

    /// <summary>Learns the stream of <paramref name="data"/> from the current position to its end, or until cancelled.</summary>
    public LearnerResult Run(DataSplits data, IProgress<LearnerProgress>? progress = null, Action<string>? warning = null, CancellationToken cancellationToken = default)
    {
        using var carved = LearnerData.Carve(data, options);
        var (train, holdout) = (carved.Stream, carved.Holdout);
        var scenario = scenarioSpec.Build(train.Labels);
        if (cursor > scenario.Entries.Count)
        {
            throw new InvalidDataException($"{runDirectory}: the checkpoint's stream position {cursor} is beyond the {scenario.Entries.Count} samples of this data; the data changed since the run started.");
        }

        using var evaluator = carved.Evaluation is null ? null : new Evaluator(model, carved.Evaluation, options.EvalPerClass);
        text.Extend(state.Vocabulary, pet);
        if (holdout.Count > 0 && evaluator is not null && state.ZeroShotBefore is null)
        {
            state.ZeroShotBefore = EvaluateHoldout(evaluator, holdout);
        }

        var preparer = new SamplePreparer(model.Preprocessing);
        var prefetch = new PrefetchOptions { BatchSize = options.BatchSize, Strict = options.Strict, Warning = warning };
        using var stream = new DatasetStream(train, scenario, preparer.Prepare, prefetch, cursor, cancellationToken);
        long startSamples = state.SamplesSeen;
        var clock = Stopwatch.StartNew();
        bool completed = Learn(stream, evaluator, progress, cancellationToken);
        double? zeroShotAfter = completed && holdout.Count > 0 && evaluator is not null ? EvaluateHoldout(evaluator, holdout) : null;
        var summary = Summarize(scenario.TaskCount, zeroShotAfter);
        if (completed)
        {
            log.WriteSummary(summary);
        }

        if (completed && state.Records.Count > 0)
        {
            AccuracyPlot.Write(state.Records, TaskBoundaries(scenario), Path.Combine(runDirectory, "accuracy.png"), Path.Combine(runDirectory, "accuracy.svg"));
        }

        if (completed && File.Exists(log.RecordsPath) && MetricsLog.ReadSteps(log.RecordsPath) is { Count: > 0 } steps)
        {
            LossPlot.Write(steps, LossWindow, TaskBoundaries(scenario), Path.Combine(runDirectory, "loss.png"), Path.Combine(runDirectory, "loss.svg"));
        }

        return Result(summary, completed, startSamples, clock);
    }

    /// <summary>Learns a live or external <paramref name="stream"/> (opened at <see cref="Cursor"/>) until it ends or is cancelled.</summary>
    /// <remarks>There is no test split: no evaluations run; the final checkpoint covers every batch trained on.</remarks>
    public LearnerResult Run(ILearnerStream stream, IProgress<LearnerProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        text.Extend(state.Vocabulary, pet);
        long startSamples = state.SamplesSeen;
        var clock = Stopwatch.StartNew();
        bool completed = Learn(stream, null, progress, cancellationToken);
        var summary = Summarize(state.Task + 1, null);
        if (completed)
        {
            log.WriteSummary(summary);
        }

        return Result(summary, completed, startSamples, clock);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        step.Dispose();
        text.Dispose();
        embedder?.Dispose();
        teacher?.Dispose();
    }

    private bool Learn(ILearnerStream stream, Evaluator? evaluator, IProgress<LearnerProgress>? progress, CancellationToken cancellationToken)
    {
        int sampleLength = 3 * model.Config.Vision.ImageSize * model.Config.Vision.ImageSize;
        var pixels = new float[options.BatchSize * sampleLength];
        var labels = new int[options.BatchSize];
        var visible = new VisibleSet(options.BatchSize, 64);
        var anytime = new AnytimeAccuracy(Math.Max(1, options.EvalEvery));
        int skippedBefore = state.SkippedSamples;
        bool completed = true;
        context.Cursor = cursor;
        Fire(p => p.BeforeRun(context));
        try
        {
            while (stream.ReadBatch(cancellationToken) is { } batch)
            {
                if (state.Task >= 0 && batch.Task != state.Task)
                {
                    EvaluateTaskEnd(evaluator, EvaluationKind.TaskEnd);
                    if (options.ResetOptimizerAtTaskBoundary)
                    {
                        optimizer.Reset();
                    }
                }

                state.Task = batch.Task;
                int n = batch.Samples.Count;
                if (n > options.BatchSize)
                {
                    throw new InvalidOperationException($"Stream '{stream.Name}' delivered a batch of {n} samples; the learner's batch size is {options.BatchSize}.");
                }

                for (int i = 0; i < n; i++)
                {
                    labels[i] = state.Vocabulary.GetOrAdd(batch.Samples[i].Label);
                    batch.Samples[i].Item.CopyTo(pixels, i * sampleLength);
                }

                text.Extend(state.Vocabulary, pet);
                context.Batch = batch;
                context.BatchLabels = labels.AsMemory(0, n);
                Fire(p => p.BeforeBatch(context));
                (float Loss, float GradNorm)? trained = null;
                if (n > 0 && !options.ZeroShot)
                {
                    visible.Fill(labels.AsSpan(0, n), options.SeenWeight > 0 ? LossKind.All : options.Loss, state.Vocabulary.Count);
                    teacher?.Probabilities(pixels, n, terms.TeacherProbabilities);
                    trained = TrainOnBatch(pixels.AsSpan(0, n * sampleLength), visible);
                }

                UpdatePrototypes(pixels, labels.AsSpan(0, n));

                long before = state.SamplesSeen;
                state.SamplesSeen += n;
                state.Batches++;
                state.SkippedSamples = skippedBefore + stream.SkippedCount;
                cursor = batch.EndPosition;
                context.Cursor = cursor;
                if (trained is { } t)
                {
                    LogStep(t.Loss, t.GradNorm, visible.Count);
                }

                Fire(p => p.AfterBatch(context));
                context.Batch = null;
                context.BatchLabels = ReadOnlyMemory<int>.Empty;
                if (evaluator is not null && options.EvalEvery > 0 && anytime.IsDue(before, state.SamplesSeen))
                {
                    Record(EvaluateSeen(evaluator, EvaluationKind.Anytime));
                }

                if (options.CheckpointEvery > 0 && state.Batches % options.CheckpointEvery == 0)
                {
                    SaveCheckpoint(stream);
                }

                progress?.Report(new LearnerProgress(state.SamplesSeen, stream.Length ?? 0, state.Task, state.Vocabulary.Count, lossAverage.Value, lossAverage.Count,
                    state.Records.Count > 0 ? state.Records[^1].Accuracy : null, state.SkippedSteps, state.SkippedSamples));
            }

            EvaluateTaskEnd(evaluator, EvaluationKind.TaskEnd);
            if (evaluator is not null)
            {
                Record(EvaluateSeen(evaluator, EvaluationKind.Final));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            completed = false;
        }

        if (options.CheckpointEvery > 0)
        {
            SaveCheckpoint(stream);
        }

        context.Cancelled = !completed;
        Fire(p => p.AfterRun(context));
        return completed;
    }

    private LearnerResult Result(MetricsSummary summary, bool completed, long startSamples, Stopwatch clock)
    {
        double seconds = clock.Elapsed.TotalSeconds;
        long trained = state.SamplesSeen - startSamples;
        return new LearnerResult(summary, state.Records, completed, state.Batches, state.SkippedSteps, state.SkippedSamples, trained,
            seconds > 0 ? trained / seconds : 0);
    }

    private void Fire(Action<LearnerPlugin> hook)
    {
        foreach (var plugin in Plugins)
        {
            hook(plugin);
        }
    }

    /// <summary>Takes the batch's gradient steps; returns the mean loss and pre-clipping gradient norm of those applied (null: none was).</summary>
    private (float Loss, float GradNorm)? TrainOnBatch(ReadOnlySpan<float> pixels, VisibleSet visible)
    {
        double lossSum = 0, normSum = 0;
        int applied = 0;
        for (int i = 0; i < options.Iterations; i++)
        {
            context.Iteration = i;
            Fire(p => p.BeforeStep(context));
            if (offsets is not null)
            {
                terms.EnsureOffsetCapacity(visible.Count * offsets.Dimension);
                offsets.Gather(visible.Classes, terms.Offsets);
            }

            float loss = step.Run(pixels, visible, text, pet, gradients, terms);
            var offsetGradients = terms.OffsetGradients.AsSpan(0, offsets is null ? 0 : visible.Count * offsets.Dimension);
            context.Loss = loss;
            context.StepSkipped = !float.IsFinite(loss) || !optimizer.GradientsAreFinite() || !float.IsFinite(TensorPrimitives.Sum<float>(offsetGradients));
            if (context.StepSkipped)
            {
                state.SkippedSteps++;
            }
            else
            {
                float norm = options.ClipGradNorm > 0 ? optimizer.ClipGradNorm(options.ClipGradNorm) : optimizer.GradientNorm();
                optimizer.Step();
                offsets?.Step(visible.Classes, offsetGradients);
                lossSum += loss;
                normSum += norm;
                applied++;
            }

            Fire(p => p.AfterStep(context));
        }

        return applied == 0 ? null : ((float)(lossSum / applied), (float)(normSum / applied));
    }

    private void LogStep(float loss, float gradNorm, int classes)
    {
        log.Append(new StepRecord(state.Batches, state.SamplesSeen, state.Task, loss, gradNorm, optimizer.Options.LearningRate, classes));
        lossAverage.Add(loss);
    }

    /// <summary>Adds the batch's images, embedded with the PET values after its steps, to their classes' running means.</summary>
    private void UpdatePrototypes(float[] pixels, ReadOnlySpan<int> labels)
    {
        if (embedder is null || labels.Length == 0)
        {
            return;
        }

        embedder.Embed(pixels, labels.Length, pet, batchEmbeds);
        for (int i = 0; i < labels.Length; i++)
        {
            prototypes.Add(labels[i], batchEmbeds.AsSpan(i * embedder.Dimension, embedder.Dimension));
        }
    }

    private void EvaluateTaskEnd(Evaluator? evaluator, EvaluationKind kind)
    {
        if (evaluator is not null && state.Vocabulary.Count > 0)
        {
            Record(EvaluateSeen(evaluator, kind));
        }
    }

    private EvaluationRecord EvaluateSeen(Evaluator evaluator, EvaluationKind kind)
    {
        Fire(p => p.BeforeEvaluation(context));
        if (model.TextHasPet)
        {
            text.Refresh(pet);
        }

        var (accuracy, perClass) = evaluator.Evaluate(Enumerable.Range(0, state.Vocabulary.Count).ToArray(), state.Vocabulary, text, pet, prototypes, options.PrototypeWeight, offsets);
        var record = new EvaluationRecord(state.SamplesSeen, Math.Max(0, state.Task), kind, accuracy, perClass);
        context.LastEvaluation = record;
        Fire(p => p.AfterEvaluation(context));
        return record;
    }

    private double EvaluateHoldout(Evaluator evaluator, IReadOnlySet<string> holdout)
    {
        var vocabulary = new ClassVocabulary();
        foreach (var name in holdout.Order(StringComparer.Ordinal))
        {
            vocabulary.GetOrAdd(name);
        }

        using var features = new TextFeatures(model, new PromptTemplates(options.Prompts));
        features.Extend(vocabulary, pet);
        return evaluator.Evaluate(Enumerable.Range(0, vocabulary.Count).ToArray(), vocabulary, features, pet).Accuracy;
    }

    private void Record(EvaluationRecord record)
    {
        state.Records.Add(record);
        log.Append(record);
    }

    private MetricsSummary Summarize(int taskCount, double? zeroShotAfter)
    {
        var anytime = new AnytimeAccuracy();
        var average = new AverageAccuracy();
        var last = new LastAccuracy();
        var forgetting = new LastForgetting();
        foreach (var r in state.Records)
        {
            if (r.Kind == EvaluationKind.Anytime)
            {
                anytime.Update(r.Accuracy);
            }
            else if (r.Kind == EvaluationKind.TaskEnd)
            {
                average.Update(r.Accuracy);
                last.Update(r.Accuracy);
                forgetting.Update(r.PerClassAccuracy);
            }
        }

        return new MetricsSummary(
            state.SamplesSeen,
            taskCount,
            anytime.Count > 0 ? anytime.Result() : null,
            average.Count > 0 ? average.Result() : null,
            average.Count > 0 ? last.Result() : null,
            forgetting.Count > 1 ? forgetting.Result() : null,
            state.ZeroShotBefore,
            zeroShotAfter);
    }

    private static List<long> TaskBoundaries(Scenario scenario)
    {
        var boundaries = new List<long>();
        long total = 0;
        foreach (int size in scenario.TaskSizes.Take(scenario.TaskCount - 1))
        {
            total += size;
            boundaries.Add(total);
        }

        return boundaries;
    }

    /// <summary>The learner-state tensors of the checkpoint (prototypes, text offsets), or null when the run keeps none.</summary>
    private List<NamedTensor>? LearnerState()
    {
        var tensors = new List<NamedTensor>();
        tensors.AddRange(embedder is null ? [] : prototypes.ToTensors());
        tensors.AddRange(offsets?.ToTensors() ?? []);
        return tensors.Count == 0 ? null : tensors;
    }

    private void SaveCheckpoint(ILearnerStream stream)
    {
        Fire(p => p.BeforeCheckpoint(context));
        log.Sync();
        var tensors = model.Layout.Tensors.Select(t => new NamedTensor(t.Name, pet[t.Name], t.Shape)).ToArray();
        context.LastCheckpoint = store.Save(new Checkpoint(
            state.Batches,
            model.ModelHash,
            model.Layout.Spec.ToString(),
            options.ToJson(),
            state.Counters(),
            new JsonObject { ["pet_seed"] = options.Seed, ["scenario"] = scenarioSpec.ToString() },
            cursor,
            state.MetricsJson(),
            tensors,
            optimizer.ExportState(),
            LearnerState()));
        stream.Commit(cursor);
        Fire(p => p.AfterCheckpoint(context));
    }
}
