using System.CommandLine;
using OnnxOll.Clip.Pet;
using OnnxOll.Jobs;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Streams.Scenarios;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll learn</c>: online lifelong learning of a PET model on a labelled image stream.</summary>
public static class LearnCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var data = new Option<string>("--data") { Description = "Data spec: folder:DIR, tar:FILE, idx:images=..,labels=..,names=.., cifar10:DIR, cifar100:DIR, synthetic[:colours=4,shapes=3,...].", Required = true };
        var scenario = new Option<string>("--scenario") { Description = "iid, disjoint:tasks=5 or si-blurry:n=50,m=10,tasks=5 (+ ,seed=N).", DefaultValueFactory = _ => "si-blurry:n=50,m=10,tasks=5" };
        var pet = new Option<string>("--pet") { Description = "PET spec, e.g. lora:r=4,alpha=1,towers=both,targets=q+v or adapter:dim=64,scale=0.1.", DefaultValueFactory = _ => LearnDefaults.Pet };
        var loss = CommonOptions.Choice("--loss", "sit (batch labels, default) or all (every class seen so far).", LossKind.Sit);
        var batch = CommonOptions.AtLeast(new Option<int>("--batch") { Description = "Stream batch size.", DefaultValueFactory = _ => 16 }, 1);
        var iters = CommonOptions.AtLeast(new Option<int>("--iters") { Description = "Gradient steps per stream batch.", DefaultValueFactory = _ => 3 }, 1);
        var lr = CommonOptions.AtLeast(new Option<float>("--lr") { Description = "AdamW learning rate of the PET tensors (0: they stay as they start; the text offsets still learn).", DefaultValueFactory = _ => LearnDefaults.LearningRate }, 0f);
        var wd = CommonOptions.AtLeast(new Option<float>("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => 1e-5f }, 0f);
        var output = new Option<string>("--out") { Description = "Run folder (checkpoints, metrics.jsonl, summary.json, accuracy.png/svg, loss.png/svg).", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's latest good checkpoint; settings not given are the run's own (run.json)." };
        var config = new Option<string?>("--config") { Description = "JSON or YAML file of settings named as these options ({\"lr\": 1e-3, \"method\": \"replay:memory=500\"}); a run.json settings block is one. Options given here win." };
        var doubleSoftmax = new Option<bool>("--compat-double-softmax") { Description = "Reproduce the official code's softmax-twice quirk." };
        var evalEvery = CommonOptions.AtLeast(new Option<int>("--eval-every") { Description = "Anytime evaluation interval in samples (0: off).", DefaultValueFactory = _ => 1000 }, 0);
        var evalPerClass = CommonOptions.AtLeast(new Option<int>("--eval-per-class") { Description = "Test images per class used by evaluations (0: all).", DefaultValueFactory = _ => 0 }, 0);
        var checkpointEvery = CommonOptions.AtLeast(new Option<int>("--checkpoint-every") { Description = "Checkpoint every N stream batches (0: off).", DefaultValueFactory = _ => 1 }, 0);
        var keep = CommonOptions.AtLeast(new Option<int>("--keep") { Description = "Checkpoints kept.", DefaultValueFactory = _ => 3 }, 1);
        var seed = new Option<int>("--seed") { Description = "Seed of the PET initialisation.", DefaultValueFactory = _ => 0 };
        var holdout = CommonOptions.AtLeast(new Option<int>("--holdout") { Description = "Classes held out of the stream to measure zero-shot retention.", DefaultValueFactory = _ => 0 }, 0);
        var holdoutClasses = new Option<string?>("--holdout-classes") { Description = "File of class names (one per line) held out of the stream, e.g. a pretrained model's pretrain_classes.txt; zero-shot accuracy on them is measured before and after." };
        var zeroShot = new Option<bool>("--zero-shot") { Description = "No gradient steps: evaluate the untrained model along the stream (the zero-shot baseline row)." };
        var prototypeWeight = CommonOptions.Between(new Option<float>("--prototype-weight") { Description = "Mix prototype logits (running means of each class's stream image embeddings) with the text logits at evaluation: (1-w)*text + w*prototype (0: off; 1 with --zero-shot: running class means).", DefaultValueFactory = _ => LearnDefaults.PrototypeWeight }, 0f, 1f);
        var seenWeight = CommonOptions.Between(new Option<float>("--seen-weight") { Description = "Mix an all-seen term into SIT: loss = (1-l)*SIT + l*(softmax over every class seen so far) (0: SIT only).", DefaultValueFactory = _ => LearnDefaults.SeenWeight }, 0f, 1f);
        var distill = CommonOptions.AtLeast(new Option<float>("--distill") { Description = "Weight of distillation to the frozen model: cross-entropy from its distribution over --distill-classes to the learner's, on the stream's images (0: off).", DefaultValueFactory = _ => 0f }, 0f);
        var distillClasses = new Option<string?>("--distill-classes") { Description = "File of class names (one per line): the distillation's reference vocabulary, e.g. a pretrained model's pretrain_classes.txt." };
        var holdoutNames = new Option<string[]>("--holdout-class-names") { Description = "Classes held out, by name (as run.json records --holdout-classes).", Hidden = true };
        var distillNames = new Option<string[]>("--distill-class-names") { Description = "The distillation's reference vocabulary, by name (as run.json records --distill-classes).", Hidden = true };
        var methods = new Option<string[]>("--method") { Description = $"A method as NAME:key=value,... (NAME one of {string.Join(", ", MethodCatalog.Names)}; e.g. replay:memory=500,loss=all); repeat for several." };
        var textOffsetLr = CommonOptions.AtLeast(new Option<float>("--text-offset-lr") { Description = "Learn a per-class offset of the text features with this Adam learning rate (0: off).", DefaultValueFactory = _ => LearnDefaults.TextOffsetLearningRate }, 0f);
        var validation = CommonOptions.AtLeast(new Option<int>("--validation") { Description = "Training images per class kept out of the stream and evaluated instead of the test split (0: the test split); choose settings on these.", DefaultValueFactory = _ => 0 }, 0);
        var skip = CommonOptions.AtLeast(new Option<int>("--skip-per-class") { Description = "Leave the first N training images of each class out of the stream (e.g. those a pretrain recipe's max_per_class used).", DefaultValueFactory = _ => 0 }, 0);
        var clip = CommonOptions.AtLeast(new Option<float>("--clip-grad-norm") { Description = "Global gradient-norm clipping (0: off).", DefaultValueFactory = _ => 0f }, 0f);
        var noReset = new Option<bool>("--no-reset") { Description = "Keep the AdamW state across task boundaries." };
        var dropout = new Option<bool>("--dropout") { Description = "Enable adapter dropout (ONNX Runtime draws the masks; replays are then not bit-exact)." };
        var tensorboard = new Option<string?>("--tensorboard") { Description = "Also write the run's scalars as TensorBoard event files into this folder (metrics.csv is always written)." };
        var strict = new Option<bool>("--strict") { Description = "Fail on an undecodable image instead of skipping it." };
        var initAdapter = new Option<string?>("--init-adapter") { Description = "Start from these PET tensors (PEFT adapter folder, run, checkpoint, safetensors); the PET spec, and the prompts unless --prompt is given, are theirs." };
        var prompts = CommonOptions.Templates(new Option<string[]>("--prompt") { Description = "Prompt template with {} for the class name; repeat to average several.", DefaultValueFactory = _ => ["a bad photo of a {}."] });
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var frozen = CommonOptions.Frozen();
        var allowOtherModel = CommonOptions.AllowOtherModel();
        var json = JsonOutput.Option();
        var command = new Command("learn", "Learn a labelled image stream online with SIT and PET tensors; checkpoint, evaluate, plot.")
        {
            model, data, scenario, pet, loss, batch, iters, lr, wd, output, resume, config, holdoutNames, distillNames, doubleSoftmax, evalEvery, evalPerClass,
            checkpointEvery, keep, seed, holdout, holdoutClasses, zeroShot, prototypeWeight, seenWeight, distill, distillClasses, methods, textOffsetLr, validation, skip, clip, noReset, dropout, strict, initAdapter, prompts, threads, provider, frozen,
            allowOtherModel, tensorboard, json,
        };
        command.SetAction(parse =>
        {
            var options = new LearnerOptions
            {
                BatchSize = parse.GetValue(batch),
                Iterations = parse.GetValue(iters),
                LearningRate = parse.GetValue(lr),
                WeightDecay = parse.GetValue(wd),
                Loss = parse.GetValue(loss),
                CompatDoubleSoftmax = parse.GetValue(doubleSoftmax),
                ResetOptimizerAtTaskBoundary = !parse.GetValue(noReset),
                ClipGradNorm = parse.GetValue(clip),
                EvalEvery = parse.GetValue(evalEvery),
                EvalPerClass = parse.GetValue(evalPerClass),
                CheckpointEvery = parse.GetValue(checkpointEvery),
                KeepCheckpoints = parse.GetValue(keep),
                Seed = parse.GetValue(seed),
                HoldoutClasses = parse.GetValue(holdout),
                HoldoutClassNames = parse.GetValue(holdoutClasses) is { } file ? HoldoutList.Read(file) : parse.GetValue(holdoutNames) ?? [],
                HoldoutClassSource = parse.GetValue(holdoutClasses),
                Dropout = parse.GetValue(dropout),
                ZeroShot = parse.GetValue(zeroShot),
                PrototypeWeight = parse.GetValue(prototypeWeight),
                SeenWeight = parse.GetValue(seenWeight),
                DistillWeight = parse.GetValue(distill),
                DistillClassNames = parse.GetValue(distillClasses) is { } reference ? HoldoutList.Read(reference) : parse.GetValue(distillNames) ?? [],
                Methods = [.. (parse.GetValue(methods) ?? []).Select(MethodSpec.Parse)],
                TextOffsetLearningRate = parse.GetValue(textOffsetLr),
                ValidationPerClass = parse.GetValue(validation),
                SkipPerClass = parse.GetValue(skip),
                Strict = parse.GetValue(strict),
                Prompts = parse.GetValue(prompts)!,
                TensorBoardDirectory = parse.GetValue(tensorboard),
            };
            if (options.DistillWeight > 0 && options.DistillClassNames.Count == 0)
            {
                throw new ArgumentException("--distill needs --distill-classes FILE (the reference vocabulary).");
            }

            var settings = new LearningJobSettings
            {
                ModelDirectory = parse.GetValue(model)!,
                DataSpec = parse.GetValue(data)!,
                RunDirectory = parse.GetValue(output)!,
                Scenario = ScenarioSpec.Parse(parse.GetValue(scenario)!),
                Pet = PetSpec.Parse(parse.GetValue(pet)!),
                Learner = options,
                Resume = parse.GetValue(resume),
                Sessions = CommonOptions.Settings(parse, threads, provider),
                Frozen = parse.GetValue(frozen),
                InitAdapter = parse.GetValue(initAdapter),
                AllowOtherModel = parse.GetValue(allowOtherModel),
                PetGiven = parse.GetResult(pet) is { Implicit: false },
                PromptsGiven = parse.GetResult(prompts) is { Implicit: false },
            };
            return Learn(settings, parse.GetValue(json));
        });
        return command;
    }

    /// <summary>Runs a learning job and prints its results table (with <paramref name="json"/> one JSON document); returns the exit code (130 when interrupted).</summary>
    public static int Learn(LearningJobSettings settings, bool json = false)
    {
        using var interrupt = new InterruptSignals();
        using var job = LearningJob.Open(settings, note => AnsiConsole.MarkupLineInterpolated($"[grey]{note}[/]"), CommandErrors.Warn);
        if (job.FinishedUtc is { } finished)
        {
            AnsiConsole.MarkupLineInterpolated($"run {Path.GetFullPath(settings.RunDirectory)} finished at {finished}; nothing to resume, nothing changed.");
            return 0;
        }

        var result = LearnProgressView.Run(
            (progress, warn) => job.Run(progress, warn, interrupt.Token),
            $"learning {Path.GetFileName(Path.GetFullPath(settings.ModelDirectory))} ({job.Settings.Pet})", json);
        ResultsTable.Print(result, settings.RunDirectory, json);
        return result.Completed ? 0 : 130;
    }
}
