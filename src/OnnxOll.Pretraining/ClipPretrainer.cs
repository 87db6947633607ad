using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Text;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Streams.Data;
using OnnxOll.Learning.Optim;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Pretraining;

/// <summary>Full-parameter contrastive pretraining of a CLIP from labelled images (CLIP's symmetric loss, AdamW with warm-up + cosine,
/// crop + flip augmentation), checkpointed with exact resume, ending in a Hugging Face model folder every command loads.</summary>
/// <remarks>Every random draw is a function of (seed, epoch, position in the epoch): the batch order per epoch, and per image its
/// crop, flip and caption. So a resumed run replays the same batches from the checkpoint's step, and the same seed gives the same weights.</remarks>
public static class ClipPretrainer
{
    /// <summary>The PET spec string checkpoints of full-parameter runs carry.</summary>
    public const string FullParameters = "full";

    /// <summary>Runs (or resumes) the job; returns early with <see cref="PretrainResult.Completed"/> false after checkpointing when cancelled.
    /// <paramref name="warning"/> hears of damaged checkpoints a resume fell back past (set aside as <c>*.rejected</c>).</summary>
    /// <exception cref="InvalidDataException">A resume finds checkpoints but none it can load; nothing is changed.</exception>
    public static PretrainResult Run(PretrainJob job, Action<PretrainProgress>? progress = null, CancellationToken cancel = default, Action<string>? warning = null)
    {
        ArgumentNullException.ThrowIfNull(job);

        // The weights are written into --out at the end: a model or run folder given by mistake would be overwritten or mixed with them.
        OutputFolder.Check(job.OutputDirectory, "pretrained model", d => Directory.Exists(Path.Combine(d, Path.GetFileName(job.RunDirectory))) || File.Exists(Path.Combine(d, PretrainedModelFiles.Summary)));
        if (!job.Resume && !(Directory.Exists(job.RunDirectory) && new CheckpointStore(job.RunDirectory).ListSteps().Count > 0))
        {
            // A new pretraining over the model an earlier one left without its checkpoints (with them, it is refused below: pass --resume).
            OutputFolder.CheckModelReplace(job.OutputDirectory, job.Force);
        }
        var s = job.Recipe.Settings;
        var config = job.Recipe.Config;
        string vocab = Path.Combine(job.TokenizerDirectory, "vocab.json"), merges = Path.Combine(job.TokenizerDirectory, "merges.txt");
        var tokenizer = ClipTokenizer.Create(vocab, merges);
        if (tokenizer.VocabSize > config.Text.VocabSize)
        {
            throw new InvalidDataException($"{vocab}: the tokenizer has {tokenizer.VocabSize} tokens, but the recipe's text_config.vocab_size is {config.Text.VocabSize}.");
        }

        var hierarchy = job.HierarchyPath is null ? null : LabelHierarchy.Load(job.HierarchyPath);
        IReadOnlyList<string> classes;
        DecodedImageSet train;
        DecodedImageSet? test;
        using (var data = DataSources.Open(job.DataSpec))
        {
            classes = ClassSelection.Draw(data.Train.Labels, s.BaseClasses, s.ClassSeed);
            train = DecodedImageSet.Load(data.Train, classes, s.MaxPerClass, cancel);
            test = data.Test is null ? null : DecodedImageSet.Load(data.Test, classes, s.EvalPerClass, cancel);
        }

        int stepsPerEpoch = train.Count / s.BatchSize;
        if (stepsPerEpoch == 0)
        {
            throw new InvalidDataException($"Data '{job.DataSpec}': {train.Count} training images of the {classes.Count} classes, fewer than one batch of {s.BatchSize}.");
        }

        var parameters = ClipParameterSet.Random(config, job.Seed);
        var adam = new AdamW(parameters.Parameters, new AdamWOptions
        {
            LearningRate = 0,
            Beta1 = s.Beta1,
            Beta2 = s.Beta2,
            Epsilon = s.Epsilon,
            WeightDecay = s.WeightDecay,
        });
        var state = new PretrainState();
        var store = new CheckpointStore(job.RunDirectory, keepLast: 2);
        string identity = Identity(job, classes, tokenizer.VocabSize);
        if (job.Resume)
        {
            if (CheckpointFallback.Resume(store, identity, FullParameters, warning: warning) is (var checkpoint, var where))
            {
                parameters.Load(checkpoint.Tensors, where);
                adam.ImportState(checkpoint.Optimizer ?? throw new InvalidDataException($"{where}: field 'optimizer_step' is missing."));
                state = PretrainState.Restore(checkpoint, where);
            }
        }
        else if (store.ListSteps().Count > 0)
        {
            throw new InvalidOperationException($"{job.RunDirectory} already holds pretraining checkpoints; pass --resume to continue that run or choose another --out.");
        }

        long total = (long)stepsPerEpoch * s.Epochs;
        int length = config.Text.MaxPositionEmbeddings;
        var schedule = new WarmupCosineSchedule(s.LearningRate, s.WarmupSteps, total);
        var batch = new PretrainBatch(train, s.BatchSize, length, config.Vision.ImageSize, tokenizer, new CaptionBuilder(s, hierarchy), new CropFlipAugmenter(s.Pad, s.Flip));
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = config.Vision.ImageSize });
        using var step = new PretrainingStep(parameters, s.BatchSize, length, job.Settings);
        using var probe = test is null ? null : new ZeroShotProbe(parameters, job.Settings);
        var clock = Stopwatch.StartNew();
        long startStep = state.Step;
        double startSeconds = state.Seconds;

        void Save()
        {
            state.Seconds = startSeconds + clock.Elapsed.TotalSeconds;
            store.Save(state.ToCheckpoint(identity, job, parameters, adam));
        }

        while (state.Step < total)
        {
            if (cancel.IsCancellationRequested)
            {
                Save();
                return Result(job, classes, state, train, completed: false);
            }

            int epoch = (int)(state.Step / stepsPerEpoch);
            batch.Fill(job.Seed, epoch, (int)(state.Step % stepsPerEpoch));
            float rate = schedule.At(state.Step);
            adam.Options = adam.Options with { LearningRate = rate };
            float loss = step.Run(batch.Pixels, batch.InputIds, batch.PairTargets);
            if (float.IsFinite(loss) && adam.GradientsAreFinite())
            {
                adam.Step();
                parameters.ClampLogitScale();
                state.EpochLossSum += loss;
                state.EpochLossCount++;
            }
            else
            {
                state.SkippedSteps++;
            }

            state.Step++;
            float scale = parameters["logit_scale"][0];
            double rateNow = (state.Step - startStep) * s.BatchSize / Math.Max(1e-9, clock.Elapsed.TotalSeconds);
            progress?.Invoke(new PretrainProgress(state.Step, total, epoch, loss, rate, scale, rateNow, null));
            bool epochEnd = state.Step % stepsPerEpoch == 0;
            if (epochEnd)
            {
                double accuracy = probe?.Accuracy(test!, tokenizer, s.EvalTemplate, preprocessor) ?? double.NaN;
                state.Epochs.Add(new PretrainEpoch(epoch, state.EpochLossSum / Math.Max(1, state.EpochLossCount), accuracy, scale, startSeconds + clock.Elapsed.TotalSeconds));
                (state.EpochLossSum, state.EpochLossCount) = (0, 0);
                progress?.Invoke(new PretrainProgress(state.Step, total, epoch, loss, rate, scale, rateNow, accuracy));
            }

            if (epochEnd || (job.CheckpointEverySteps > 0 && state.Step % job.CheckpointEverySteps == 0))
            {
                Save();
            }
        }

        state.Seconds = startSeconds + clock.Elapsed.TotalSeconds;
        WriteModel(job, config, parameters, classes, state, vocab, merges);
        return Result(job, classes, state, train, completed: true);
    }

    private static PretrainResult Result(PretrainJob job, IReadOnlyList<string> classes, PretrainState state, DecodedImageSet train, bool completed) =>
        new(job.OutputDirectory, classes, state.Epochs, completed, state.SkippedSteps, train.Skipped, state.Seconds);

    private static void WriteModel(PretrainJob job, ClipConfig config, ClipParameterSet parameters, IReadOnlyList<string> classes, PretrainState state, string vocab, string merges)
    {
        string dir = job.OutputDirectory;
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, ClipConfig.FileName), config.ToJson());
        parameters.WriteHuggingFace(Path.Combine(dir, ClipWeights.FileName));
        File.Copy(vocab, Path.Combine(dir, "vocab.json"), overwrite: true);
        File.Copy(merges, Path.Combine(dir, "merges.txt"), overwrite: true);
        File.WriteAllLines(Path.Combine(dir, PretrainedModelFiles.Classes), classes);
        var summary = new JsonObject
        {
            ["recipe"] = job.Recipe.Name,
            ["seed"] = job.Seed,
            ["data"] = job.DataSpec,
            ["classes"] = classes.Count,
            ["parameters"] = parameters.Count,
            ["steps"] = state.Step,
            ["skipped_steps"] = state.SkippedSteps,
            ["seconds"] = Math.Round(state.Seconds, 1),
            ["epochs"] = PretrainState.EpochsJson(state.Epochs),
            ["settings"] = job.Recipe.Settings.ToJson(),
        };
        File.WriteAllText(Path.Combine(dir, PretrainedModelFiles.Summary), summary.ToJsonString(new() { WriteIndented = true }) + "\n");
    }

    /// <summary>What a checkpoint must match to resume: the recipe (config and settings), data, classes, seed and tokenizer size.</summary>
    private static string Identity(PretrainJob job, IReadOnlyList<string> classes, int vocabSize)
    {
        string text = string.Join("\n", job.Recipe.Config.ToJson(), job.Recipe.Settings.ToJson().ToJsonString(), job.DataSpec,
            string.Join(",", classes), job.Seed, vocabSize, job.HierarchyPath is null ? "" : File.ReadAllText(job.HierarchyPath));
        return "pretrain-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }
}
