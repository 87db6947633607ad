using System.CommandLine;
using System.Globalization;
using OnnxOll.Pretraining;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll pretrain</c>: full-parameter contrastive pretraining of a CLIP from a recipe and labelled images.</summary>
public static class PretrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var recipe = new Option<string>("--recipe") { Description = "Model recipe JSON (models/*.json): tower shapes and pretraining settings.", Required = true };
        var data = new Option<string>("--data") { Description = "Data spec as for learn; the train split trains, the test split measures zero-shot accuracy.", Required = true };
        var tokenizer = new Option<string>("--tokenizer") { Description = "Folder with the CLIP BPE vocab.json and merges.txt (copied into the model).", Required = true };
        var hierarchy = new Option<string?>("--hierarchy") { Description = "JSON superclass → [classes] for superclass phrases in captions (CIFAR-100's coarse_to_fine.json)." };
        var output = new Option<string>("--out") { Description = "Model folder to write (Hugging Face layout); checkpoints go to its pretrain-run/.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of weights, batch order, augmentation and captions.", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue from the latest good checkpoint in the output folder." };
        var epochs = new Option<int?>("--epochs") { Description = "Override the recipe's epoch count." };
        var checkpointEvery = CommonOptions.AtLeast(new Option<int>("--checkpoint-every") { Description = "Also checkpoint every N steps (0: epoch ends only).", DefaultValueFactory = _ => 0 }, 0);
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var force = CommonOptions.Force();
        var command = new Command("pretrain", "Pretrain a CLIP (every weight) with CLIP's symmetric contrastive loss; writes a Hugging Face model folder.")
        {
            recipe, data, tokenizer, hierarchy, output, seed, resume, epochs, checkpointEvery, threads, provider, force,
        };
        command.SetAction(parse =>
        {
            var loaded = PretrainRecipe.Load(parse.GetValue(recipe)!);
            if (parse.GetValue(epochs) is { } e)
            {
                loaded = loaded.With(loaded.Settings with { Epochs = e });
            }

            var job = new PretrainJob
            {
                Recipe = loaded,
                DataSpec = parse.GetValue(data)!,
                TokenizerDirectory = parse.GetValue(tokenizer)!,
                HierarchyPath = parse.GetValue(hierarchy),
                OutputDirectory = parse.GetValue(output)!,
                Seed = parse.GetValue(seed),
                Resume = parse.GetValue(resume),
                Force = parse.GetValue(force),
                CheckpointEverySteps = parse.GetValue(checkpointEvery),
                Settings = CommonOptions.Settings(parse, threads, provider),
            };
            return Pretrain(job);
        });
        return command;
    }

    /// <summary>Runs the job with a line of progress a few times per epoch; returns 0, or 130 when interrupted (after a checkpoint).</summary>
    public static int Pretrain(PretrainJob job)
    {
        using var interrupt = new InterruptSignals();
        var c = job.Recipe.Config;
        Console.WriteLine($"pretraining {job.Recipe.Name}: vision {c.Vision.HiddenSize}x{c.Vision.NumHiddenLayers} patch {c.Vision.PatchSize} on {c.Vision.ImageSize}px, " +
            $"text {c.Text.HiddenSize}x{c.Text.NumHiddenLayers}, projection {c.ProjectionDim}; seed {job.Seed} -> {job.OutputDirectory}");
        var result = ClipPretrainer.Run(job, Report, interrupt.Token, CommandErrors.Warn);
        string last = result.Epochs.Count > 0 ? Percent(result.Epochs[^1].ZeroShotAccuracy) : "-";
        Console.WriteLine(result.Completed
            ? $"wrote {result.ModelDirectory}: {result.Classes.Count} classes, {result.Epochs.Count} epochs in {result.Seconds / 60:F1} min, zero-shot accuracy {last} (chance {Percent(1.0 / result.Classes.Count)})"
            : $"interrupted: checkpoint written to {job.RunDirectory}; continue with --resume");
        if (result.SkippedImages > 0 || result.SkippedSteps > 0)
        {
            CommandErrors.Warn($"{result.SkippedImages} undecodable images left out, {result.SkippedSteps} non-finite steps skipped");
        }

        return result.Completed ? 0 : 130;
    }

    private static readonly System.Diagnostics.Stopwatch SinceLine = System.Diagnostics.Stopwatch.StartNew();

    private static void Report(PretrainProgress p)
    {
        if (p.ZeroShotAccuracy is { } accuracy)
        {
            Console.WriteLine($"epoch {p.Epoch + 1}: step {p.Step}/{p.TotalSteps}, zero-shot accuracy {Percent(accuracy)}, logit scale {MathF.Exp(p.LogitScale):F1}, {p.SamplesPerSecond:F0} images/s");
        }
        else if (p.Step == 1 || SinceLine.Elapsed.TotalSeconds >= 15)
        {
            SinceLine.Restart();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  step {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}  lr {p.LearningRate:E2}  logit scale {MathF.Exp(p.LogitScale):F1}  {p.SamplesPerSecond:F0} images/s"));
        }
    }

    private static string Percent(double value) => double.IsNaN(value) ? "-" : (value * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";
}
