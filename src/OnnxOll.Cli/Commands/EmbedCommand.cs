using System.CommandLine;
using OnnxOll.Clip.Graphs;
using OnnxOll.Deploy.Pet;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.Runtime;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll embed</c>: projected (not normalised) image and text embeddings of a batch file, written as safetensors.</summary>
public static class EmbedCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var batch = new Option<string>("--batch") { Description = "safetensors with pixel_values [B,3,H,W] f32 and input_ids [C,L] i64 (labels optional).", Required = true };
        var output = CommonOptions.OutputFile(new Option<string>("--out") { Description = "safetensors to write: image_embeds [B,P], text_embeds [C,P] (F32).", Required = true });
        var pet = new Option<string?>("--pet") { Description = "PET tensors to apply: safetensors (or checkpoint), PEFT adapter folder or .onnx_adapter (with --pet-spec); none: the base model." };
        var petSpec = new Option<string?>("--pet-spec") { Description = "PET spec of --pet (default: the file's pet_spec metadata)." };
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var frozen = CommonOptions.Frozen();
        var allowOtherModel = CommonOptions.AllowOtherModel();
        var command = new Command("embed", "Write the projected, unnormalised image and text embeddings of a batch file.")
        {
            model, batch, output, pet, petSpec, threads, provider, frozen, allowOtherModel,
        };
        command.SetAction(parse =>
        {
            var (images, texts) = Embed(parse.GetValue(model)!, parse.GetValue(batch)!, parse.GetValue(output)!, parse.GetValue(pet), parse.GetValue(petSpec),
                CommonOptions.Settings(parse, threads, provider), parse.GetValue(frozen), parse.GetValue(allowOtherModel));
            Console.WriteLine($"wrote {parse.GetValue(output)}: image_embeds [{images}, P], text_embeds [{texts}, P]");
            return 0;
        });
        return command;
    }

    /// <summary>Embeds the batch's images and prompts and writes <paramref name="outPath"/>; returns the row counts.</summary>
    public static (int Images, int Texts) Embed(string modelDir, string batchPath, string outPath, string? petPath, string? petSpec, SessionSettings settings,
        FrozenPrecision frozen = FrozenPrecision.Float32, bool allowOtherModel = false)
    {
        CommonOptions.CheckOutput(outPath, modelDir, batchPath, petPath);
        var source = PetSource.Resolve(null, petPath, petSpec, modelDir, allowOtherModel);
        if (source.Warning is { } warning)
        {
            CommandErrors.Warn(warning);
        }

        var model = FrozenModel.Open(modelDir, source.Spec, frozen);
        var batch = BatchFile.Read(batchPath, model.Config, requireLabels: false);
        var pet = source.Load(model.Layout);
        using var embedder = new ProjectedEmbedder(model, settings, normalize: false);
        var images = embedder.Images(batch.Pixels, batch.Images, pet);
        var texts = embedder.Texts(batch.InputIds, batch.Classes, batch.Length, pet);
        int dim = model.Config.ProjectionDim;
        var writer = new SafeTensorsWriter();
        writer.Add(ClipGraphNames.ImageEmbeds, images, batch.Images, dim);
        writer.Add(ClipGraphNames.TextEmbeds, texts, batch.Classes, dim);
        AtomicFile.Write(outPath, writer.Write); // all or nothing: a full disk leaves no half file
        return (batch.Images, batch.Classes);
    }
}
