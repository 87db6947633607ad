using System.CommandLine;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Export;
using OnnxOll.Deploy.Pet;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll export</c>: a self-describing folder (graphs, weights, learned PET as safetensors, PEFT and ONNX Runtime adapters,
/// tokenizer, preprocessing, prompts, classes with text features, manifest); optionally a run's LoRA merged into an inference model.</summary>
public static class ExportCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var pet = new Option<string?>("--pet") { Description = "PET spec (default: the run's), e.g. lora:r=4,alpha=1,towers=both,targets=q+v; alone it exports initial tensors." };
        var run = new Option<string?>("--run") { Description = "Learned PET to export: run folder, checkpoint, PEFT adapter folder or safetensors." };
        var output = new Option<string>("--out") { Description = "Folder to write (manifest.json lists every file).", Required = true };
        var merge = new Option<string?>("--merge") { Description = "Run (or other PET source) whose tensors are exported and whose LoRA is also folded into merged/vision.onnx and merged/text.onnx." };
        var classes = new Option<string?>("--classes") { Description = "Class vocabulary whose text features are exported, comma-separated (default: the run's classes)." };
        var prompts = CommonOptions.Templates(new Option<string[]>("--prompt") { Description = "Prompt templates of the exported class features (default: the run's)." });
        var seed = new Option<int>("--seed") { Description = "Seed of the initial PET tensors (without --run).", DefaultValueFactory = _ => 0 };
        var doubleSoftmax = new Option<bool>("--compat-double-softmax") { Description = "Training graph with the official code's softmax-twice quirk." };
        var petInputs = CommonOptions.Choice("--pet-inputs", "optional (zero initializers: the base model unless PET is fed or an .onnx_adapter is active; onnxruntime-web) or required (feed every PET tensor; onnxruntime-node, which ignores fed inputs that have an initializer).", PetInputMode.Optional);
        var frozen = CommonOptions.Frozen();
        var allowOtherModel = CommonOptions.AllowOtherModel();
        var command = new Command("export", "Export a self-describing folder for ONNX Runtime targets: graphs, weights, learned PET (PEFT + ORT adapters), tokenizer, preprocessing, classes, manifest.")
        {
            model, pet, run, output, merge, classes, prompts, seed, doubleSoftmax, petInputs, frozen, allowOtherModel,
        };
        command.SetAction(parse =>
        {
            string modelDir = parse.GetValue(model)!;
            string dir = parse.GetValue(output)!;
            string? runPath = parse.GetValue(run), mergePath = parse.GetValue(merge);
            if (runPath is not null && mergePath is not null)
            {
                throw new ArgumentException("Give --run or --merge (which also exports the run's tensors), not both.");
            }

            string? sourcePath = runPath ?? mergePath;
            var given = parse.GetValue(prompts);
            var source = sourcePath is null ? null : PetSource.Resolve(sourcePath, null, null, modelDir, parse.GetValue(allowOtherModel));
            if (source?.Warning is { } warning)
            {
                CommandErrors.Warn(warning);
            }

            ModelExporter.Export(modelDir, dir, new ExportOptions
            {
                Pet = source,
                Spec = parse.GetValue(pet) is { } spec ? PetSpec.Parse(spec) : null,
                Merge = mergePath is not null,
                Seed = parse.GetValue(seed),
                DoubleSoftmax = parse.GetValue(doubleSoftmax),
                PetInputs = parse.GetValue(petInputs),
                Frozen = parse.GetValue(frozen),
                Prompts = given is { Length: > 0 } ? given : null,
                Router = RunRouter.Of(sourcePath, source),
                Classes = parse.GetValue(classes) is { } list ? PredictCommand.SplitLabels(list, "--classes") : null,
            });
            Console.WriteLine($"wrote {Path.GetFullPath(dir)} ({ModelExporter.ManifestFileName} lists every file)");
            return 0;
        });
        return command;
    }
}
