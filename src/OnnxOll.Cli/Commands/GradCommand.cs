using System.CommandLine;
using OnnxOll.Clip.Graphs;
using OnnxOll.Deploy.Pet;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Learner;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.Runtime;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll grad</c>: one SIT (or all-classes) loss and the PET gradients of a batch file, written as safetensors.</summary>
/// <remarks>For <c>sit</c> the softmax ranges over the batch's distinct labels in ascending class index (the loss does not depend on
/// the order); for <c>all</c> over every class of <c>input_ids</c>. Dropout is off, so the result is deterministic.</remarks>
public static class GradCommand
{
    /// <summary>The name of the visible-set output (class indices, int64).</summary>
    public const string SubsetName = "subset";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var batch = new Option<string>("--batch") { Description = "safetensors with pixel_values [B,3,H,W] f32, input_ids [C,L] i64, labels [B] i64.", Required = true };
        var pet = new Option<string>("--pet") { Description = "PET tensors: safetensors (or checkpoint), run folder, PEFT adapter folder or .onnx_adapter (with --pet-spec).", Required = true };
        var petSpec = new Option<string?>("--pet-spec") { Description = "PET spec of --pet (default: the file's pet_spec metadata)." };
        var loss = CommonOptions.Choice<LossKind>("--loss", "sit (the batch's labels) or all (every class).");
        var output = CommonOptions.OutputFile(new Option<string>("--out") { Description = "safetensors to write: loss [1], <pet>.grad, logits [B,S], subset [S] i64.", Required = true });
        var doubleSoftmax = new Option<bool>("--compat-double-softmax") { Description = "Reproduce the official code's softmax-twice quirk." };
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var frozen = CommonOptions.Frozen();
        var allowOtherModel = CommonOptions.AllowOtherModel();
        var command = new Command("grad", "Write the loss and PET gradients of one batch file (dropout off).")
        {
            model, batch, pet, petSpec, loss, output, doubleSoftmax, threads, provider, frozen, allowOtherModel,
        };
        command.SetAction(parse =>
        {
            float value = Grad(parse.GetValue(model)!, parse.GetValue(batch)!, parse.GetValue(pet)!, parse.GetValue(petSpec), parse.GetValue(loss),
                parse.GetValue(doubleSoftmax), parse.GetValue(output)!, CommonOptions.Settings(parse, threads, provider), parse.GetValue(frozen),
                parse.GetValue(allowOtherModel));
            Console.WriteLine($"wrote {parse.GetValue(output)}: loss {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
            return 0;
        });
        return command;
    }

    /// <summary>The classes of the softmax: the distinct labels ascending (<see cref="LossKind.Sit"/>) or 0..C-1.</summary>
    public static long[] Subset(ReadOnlySpan<long> labels, int classes, LossKind kind) =>
        kind == LossKind.All ? [.. Enumerable.Range(0, classes).Select(c => (long)c)] : [.. labels.ToArray().Distinct().Order()];

    /// <summary>Runs the training graph once on the batch and writes <paramref name="outPath"/>; returns the loss.</summary>
    public static float Grad(string modelDir, string batchPath, string petPath, string? petSpec, LossKind kind, bool doubleSoftmax, string outPath, SessionSettings settings,
        FrozenPrecision frozen = FrozenPrecision.Float32, bool allowOtherModel = false)
    {
        CommonOptions.CheckOutput(outPath, modelDir, batchPath, petPath);
        var source = PetSource.Open(petPath, petSpec, modelDir, allowOtherModel);
        if (source.Warning is { } warning)
        {
            CommandErrors.Warn(warning);
        }

        var model = FrozenModel.Open(modelDir, source.Spec, frozen);
        var batch = BatchFile.Read(batchPath, model.Config, requireLabels: true);
        var pet = source.Load(model.Layout);
        var labels = batch.Labels!;
        long[] subset = Subset(labels, batch.Classes, kind);
        int b = batch.Images, s = subset.Length, length = batch.Length, dim = model.Config.ProjectionDim;
        var v = model.Config.Vision;

        var options = new ClipTrainingOptions { DoubleSoftmax = doubleSoftmax, Dropout = false };
        using var session = model.OpenGraph(doubleSoftmax ? "train-ds" : "train-ce", () => ClipTrainingGraph.Build(model.Frozen, model.Layout, options), settings);
        using var run = session.Bind();
        batch.Pixels.CopyTo(run.Input(ClipGraphNames.PixelValues, b, v.NumChannels, v.ImageSize, v.ImageSize).AsSpan<float>());
        var targets = run.Input(ClipGraphNames.Targets, b).AsSpan<long>();
        for (int i = 0; i < b; i++)
        {
            targets[i] = Array.IndexOf(subset, labels[i]);
        }

        var ids = SubsetRows(batch.InputIds, length, subset);
        if (ClipTrainingGraph.TakesInputIds(model.Layout))
        {
            ids.CopyTo(run.Input(ClipGraphNames.InputIds, s, length).AsSpan<long>());
        }
        else
        {
            using var text = new ProjectedEmbedder(model, settings, normalize: true);
            text.Texts(ids, s, length, pet).CopyTo(run.Input(ClipGraphNames.TextFeatures, s, dim).AsSpan<float>());
        }

        var logits = run.Output(ClipGraphNames.Logits, b, s);
        var loss = run.Output(ClipGraphNames.Loss);
        var gradients = model.Layout.Tensors.ToDictionary(t => t.Name, t => new float[t.ElementCount], StringComparer.Ordinal);
        var binding = new PetBinding(session, run, model.Layout, gradients: true);
        binding.CopyIn(pet);
        run.Run();
        binding.CopyGradientsOut(gradients);

        float value = loss.AsSpan<float>()[0];
        var writer = new SafeTensorsWriter();
        writer.Add(ClipGraphNames.Loss, [value], 1);
        foreach (var t in model.Layout.Tensors)
        {
            writer.Add(ClipGraphNames.Gradient(t.Name), gradients[t.Name], t.Shape);
        }

        writer.Add(ClipGraphNames.Logits, logits.AsSpan<float>(), b, s);
        writer.Add(SubsetName, subset, s);
        AtomicFile.Write(outPath, writer.Write); // all or nothing: a full disk leaves no half file
        return value;
    }

    private static long[] SubsetRows(long[] ids, int length, long[] subset)
    {
        var rows = new long[subset.Length * length];
        for (int i = 0; i < subset.Length; i++)
        {
            ids.AsSpan((int)subset[i] * length, length).CopyTo(rows.AsSpan(i * length, length));
        }

        return rows;
    }
}
