using System.CommandLine;
using System.Text.Json.Nodes;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Tiny;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll demo</c> (<c>make run</c>): a tiny CLIP learns a procedural shapes stream online, SIT against the all-seen baseline.</summary>
public static class DemoCommand
{
    /// <summary>The demo's stream: six colours of circles and squares (12 classes).</summary>
    public const string Data = "synthetic:colours=6,shapes=2,textures=1,train=200,test=20,seed=1";

    /// <summary>The demo's PET: LoRA on every projection of the image tower.</summary>
    public const string Pet = "lora:r=16,alpha=32,towers=image,targets=q+v+o+fc1+fc2";

    /// <summary>The demo's scenario: the paper's Si-Blurry with three tasks.</summary>
    public const string Scenario = "si-blurry:n=50,m=10,tasks=3";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = CommonOptions.OutputFolder(new Option<string>("--out") { Description = "Folder for the model and the runs.", DefaultValueFactory = _ => "runs/demo" });
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var frozen = CommonOptions.Frozen();
        var json = JsonOutput.Option();
        var command = new Command("demo", "Create a tiny CLIP and a generated image stream, learn it online with SIT-LoRA and the all-seen baseline, print the results.")
        {
            output, threads, provider, frozen, json,
        };
        command.SetAction(parse => Run(parse.GetValue(output)!, CommonOptions.Settings(parse, threads, provider), parse.GetValue(frozen), parse.GetValue(json)));
        return command;
    }

    private static int Run(string output, Runtime.SessionSettings settings, FrozenPrecision frozen, bool json)
    {
        string modelDir = Path.Combine(output, "model");
        if (!File.Exists(Path.Combine(modelDir, "model.safetensors")))
        {
            TinyClip.Write(modelDir, seed: 0);
        }

        AnsiConsole.MarkupLineInterpolated($"[bold]OnnxOll demo[/]: tiny CLIP at {modelDir}, stream {Data}, scenario {Scenario}, PET {Pet}");
        var table = new Table().AddColumns("loss", "A_auc", "A_avg", "A_last", "F_last", "samples/s", "plot");
        using var model = ClipModelRuntime.Open(modelDir, PetSpec.Parse(Pet), settings, frozen);
        LossKind[] losses = [LossKind.Sit, LossKind.All];
        var runs = new JsonArray();
        foreach (var (loss, index) in losses.Select((l, i) => (l, i)))
        {
            string runDir = Path.Combine(output, loss.ToString().ToLowerInvariant());
            if (Directory.Exists(runDir))
            {
                Directory.Delete(runDir, recursive: true);
            }

            using var data = DataSources.Open(Data);
            var options = new LearnerOptions { BatchSize = 16, Iterations = 3, LearningRate = 1e-2f, Loss = loss, EvalEvery = 300, CheckpointEvery = 10 };
            using var learner = new OnlineLearner(model, ScenarioSpec.Parse(Scenario), options, runDir);
            var result = LearnProgressView.Run((progress, warn) => learner.Run(data, progress, warn),
                $"run {index + 1} of {losses.Length}, {loss.ToString().ToUpperInvariant()} loss", json);
            var run = JsonOutput.Of(result, runDir);
            run["loss"] = loss.ToString().ToLowerInvariant();
            run["plot"] = Path.Combine(runDir, "accuracy.png");
            runs.Add(run);
            var s = result.Summary;
            table.AddRow(loss.ToString().ToUpperInvariant(), ResultsTable.Percent(s.AAuc), ResultsTable.Percent(s.AAvg), ResultsTable.Percent(s.ALast), ResultsTable.Percent(s.FLast),
                result.SamplesPerSecond.ToString("F0", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(Path.Combine(runDir, "accuracy.png")));
        }

        if (json)
        {
            JsonOutput.Write(new JsonObject { ["model"] = modelDir, ["data"] = Data, ["scenario"] = Scenario, ["pet"] = Pet, ["runs"] = runs });
            return 0;
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("Chance is 1/12 = 8.3 % over all classes. Metrics per batch and evaluation: metrics.jsonl; headline: summary.json.");
        return 0;
    }
}
