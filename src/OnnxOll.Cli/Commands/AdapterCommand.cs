using System.CommandLine;
using OnnxOll.Deploy.OrtAdapters;
using OnnxOll.Deploy.Peft;
using OnnxOll.Deploy.Pet;
using OnnxOll.Inference;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll adapter</c>: writes learned PET tensors as a Hugging Face PEFT adapter folder or an ONNX Runtime <c>.onnx_adapter</c> file.</summary>
public static class AdapterCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var run = new Option<string>("--run") { Description = "Learned PET: run folder, checkpoint, PEFT adapter folder, safetensors or .onnx_adapter.", Required = true };
        var petSpec = new Option<string?>("--pet-spec") { Description = "PET spec of --run when the file does not carry one (.onnx_adapter)." };
        var output = new Option<string>("--out") { Description = "PEFT: the adapter folder; onnx: the .onnx_adapter file.", Required = true };
        var format = new Option<string>("--format") { Description = "peft (adapter_config.json + adapter_model.safetensors) or onnx (ONNX Runtime LoRA adapter).", DefaultValueFactory = _ => "peft" };
        var graph = new Option<string>("--graph") { Description = "onnx: the graph the adapter feeds: all (train.onnx), vision (vision.onnx) or text (text.onnx).", DefaultValueFactory = _ => "all" };
        var allowOtherModel = CommonOptions.AllowOtherModel();
        var command = new Command("adapter", "Write a run's learned PET as a PEFT adapter folder or an ONNX Runtime adapter file.") { model, run, petSpec, output, format, graph, allowOtherModel };
        command.SetAction(parse =>
        {
            string modelDir = parse.GetValue(model)!;
            string outPath = parse.GetValue(output)!;
            string formatName = parse.GetValue(format)!;
            if (formatName != "onnx" && parse.GetResult(graph) is { Implicit: false })
            {
                throw new ArgumentException($"--graph applies to --format onnx (one tower's tensors); a {formatName} adapter holds every PET tensor.");
            }

            CommonOptions.CheckOutput(outPath, modelDir, parse.GetValue(run));
            var source = PetSource.Open(parse.GetValue(run)!, parse.GetValue(petSpec), modelDir, parse.GetValue(allowOtherModel));
            if (source.Warning is { } warning)
            {
                CommandErrors.Warn(warning);
            }

            var pet = source.Load(FrozenModel.Open(modelDir, source.Spec).Layout);
            switch (formatName)
            {
                case "peft":
                    PeftAdapterFolder.Write(pet, outPath, Path.GetFullPath(modelDir), source.Prompts, source.Classes);
                    break;
                case "onnx":
                    OrtAdapterFile.Write(pet, outPath, OrtAdapterFile.GraphTensors(pet.Layout, parse.GetValue(graph)!));
                    break;
                case var other:
                    throw new ArgumentException($"--format '{other}': expected peft or onnx.");
            }

            Console.WriteLine($"wrote {Path.GetFullPath(outPath)} ({source.Spec})");
            return 0;
        });
        return command;
    }
}
