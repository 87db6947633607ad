using System.CommandLine;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Reference;
using OnnxOll.Streams.Synthetic;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll probe</c>: the linear-probe reference row (offline, frozen image features of the whole stream).</summary>
public static class ProbeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var data = new Option<string>("--data") { Description = "Data spec with a training split (as for learn).", Required = true };
        var holdoutClasses = new Option<string?>("--holdout-classes") { Description = "File of class names kept out of the stream (as for learn)." };
        var validation = CommonOptions.AtLeast(new Option<int>("--validation") { Description = "Training images per class scored instead of the test split (as for learn).", DefaultValueFactory = _ => 0 }, 0);
        var skip = CommonOptions.AtLeast(new Option<int>("--skip-per-class") { Description = "First training images per class left out (as for learn).", DefaultValueFactory = _ => 0 }, 0);
        var evalPerClass = CommonOptions.AtLeast(new Option<int>("--eval-per-class") { Description = "Images per class scored (0: all).", DefaultValueFactory = _ => 0 }, 0);
        var epochs = CommonOptions.AtLeast(new Option<int>("--epochs") { Description = "Passes of minibatch Adam over the features.", DefaultValueFactory = _ => 40 }, 1);
        var l2 = CommonOptions.AtLeast(new Option<float>("--l2") { Description = "L2 penalty on the probe's weights.", DefaultValueFactory = _ => 1e-4f }, 0f);
        var seed = new Option<int>("--seed") { Description = "Seed of the minibatch order.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Folder for summary.json (A_last is the probe's accuracy).", Required = true };
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var json = JsonOutput.Option();
        var command = new Command("probe", "Fit a linear probe on the frozen image features of a whole stream and score it: the ceiling of frozen features.")
        {
            model, data, holdoutClasses, validation, skip, evalPerClass, epochs, l2, seed, output, threads, provider, json,
        };
        command.SetAction(parse =>
        {
            var options = new LearnerOptions
            {
                HoldoutClassNames = parse.GetValue(holdoutClasses) is { } file ? HoldoutList.Read(file) : [],
                HoldoutClassSource = parse.GetValue(holdoutClasses),
                ValidationPerClass = parse.GetValue(validation),
                SkipPerClass = parse.GetValue(skip),
                EvalPerClass = parse.GetValue(evalPerClass),
                Seed = parse.GetValue(seed),
            };
            using var clip = ClipModelRuntime.Open(parse.GetValue(model)!, PetSpec.Parse("lora:r=1,towers=image"), CommonOptions.Settings(parse, threads, provider));
            using var splits = DataSources.Open(parse.GetValue(data)!);
            var probe = new LinearProbe { Epochs = parse.GetValue(epochs), L2 = parse.GetValue(l2) };
            var summary = LinearProbeReference.Run(clip, splits, options, probe, parse.GetValue(output)!);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(JsonOutput.Of(summary)!);
                return 0;
            }

            AnsiConsole.MarkupLineInterpolated($"linear probe on {summary.SamplesSeen} frozen image features: accuracy {summary.ALast:P1}; wrote {Path.Combine(parse.GetValue(output)!, "summary.json")}");
            return 0;
        });
        return command;
    }
}
