using System.CommandLine;
using OnnxOll.Cli.Export;
using OnnxOll.Clip.Pet;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll export</c>: deployable graphs, weights, manifest and initial PET tensors; optionally a run's LoRA merged into an inference model.</summary>
public static class ExportCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var pet = new Option<string>("--pet") { Description = "PET spec, e.g. lora:r=4,alpha=1,towers=both,targets=q+v.", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write (train.onnx, vision.onnx, text.onnx, weights.bin, manifest.json, pet.safetensors).", Required = true };
        var merge = new Option<string?>("--merge") { Description = "Run folder whose latest checkpoint is folded into merged/vision.onnx and merged/text.onnx." };
        var seed = new Option<int>("--seed") { Description = "Seed of the initial PET tensors.", DefaultValueFactory = _ => 0 };
        var doubleSoftmax = new Option<bool>("--compat-double-softmax") { Description = "Training graph with the official code's softmax-twice quirk." };
        var frozen = CommonOptions.Frozen();
        var command = new Command("export", "Export self-contained ONNX graphs (training, evaluation, optionally merged inference) with their weights and a manifest.") { model, pet, output, merge, seed, doubleSoftmax, frozen };
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(output)!;
            ModelExporter.Export(parse.GetValue(model)!, PetSpec.Parse(parse.GetValue(pet)!), dir, parse.GetValue(merge), parse.GetValue(seed), parse.GetValue(doubleSoftmax), parse.GetValue(frozen));
            Console.WriteLine($"wrote {Path.GetFullPath(dir)} ({ModelExporter.ManifestFileName} lists the graphs, their inputs and outputs)");
            return 0;
        });
        return command;
    }
}
