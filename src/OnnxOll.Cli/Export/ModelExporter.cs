using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Cli.Commands;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner;
using OnnxOll.Onnx.Models;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Cli.Export;

/// <summary>Writes a self-contained folder for any ONNX Runtime target: training and evaluation graphs, their weights file,
/// initial PET tensors and a manifest; optionally an inference model with a run's LoRA folded into the weights.</summary>
public static class ModelExporter
{
    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The initial PET tensors' file name.</summary>
    public const string PetFileName = "pet.safetensors";

    /// <summary>The merged inference model's sub-folder.</summary>
    public const string MergedFolder = "merged";

    /// <summary>Exports <paramref name="modelDir"/> with PET spec <paramref name="spec"/> into <paramref name="outDir"/>; with <paramref name="mergeRun"/>, also the merged model.</summary>
    /// <exception cref="ArgumentException">The run was learned with another PET spec.</exception>
    public static void Export(string modelDir, PetSpec spec, string outDir, string? mergeRun, int seed, bool doubleSoftmax,
        FrozenPrecision frozenPrecision = FrozenPrecision.Float32)
    {
        var mergeSource = mergeRun is null ? null : PetSource.FromRun(mergeRun, modelDir);
        if (mergeSource is not null && mergeSource.Spec.ToString() != spec.ToString())
        {
            throw new ArgumentException($"{mergeRun}: the run was learned with PET spec '{mergeSource.Spec}', --pet is '{spec}'.");
        }

        var model = FrozenModel.Open(modelDir, spec, frozenPrecision);
        var frozen = model.Frozen;
        Directory.CreateDirectory(outDir);
        bool linked = FileLinks.LinkOrCopy(Path.Combine(frozen.Directory, FrozenWeights.FileName), Path.Combine(outDir, FrozenWeights.FileName));
        if (frozen.Int8 is not null)
        {
            FileLinks.LinkOrCopy(Path.Combine(frozen.Directory, QuantizedWeights.FileName), Path.Combine(outDir, QuantizedWeights.FileName));
        }

        var graphs = new JsonObject
        {
            ["vision"] = Save(ClipVisionGraph.Build(frozen, new ClipGraphOptions { Pet = model.Layout, Normalize = true }), outDir, "vision.onnx"),
            ["text"] = Save(ClipTextGraph.Build(frozen, new ClipGraphOptions { Pet = model.Layout, Normalize = true }), outDir, "text.onnx"),
        };
        if (model.Layout.Tensors.Count > 0)
        {
            graphs["train"] = Save(ClipTrainingGraph.Build(frozen, model.Layout, new ClipTrainingOptions { DoubleSoftmax = doubleSoftmax }), outDir, "train.onnx");
        }

        PetParameters.Create(model.Layout, seed).Save(Path.Combine(outDir, PetFileName));
        var manifest = new JsonObject
        {
            ["format"] = "onnxoll-export",
            ["version"] = 1,
            ["model_hash"] = model.ModelHash,
            ["pet_spec"] = spec.ToString(),
            ["pet_seed"] = seed,
            ["logit_scale"] = frozen.LogitScale,
            ["projection_dim"] = model.Config.ProjectionDim,
            ["image_size"] = model.Config.Vision.ImageSize,
            ["context_length"] = model.Config.Text.MaxPositionEmbeddings,
            ["weights"] = FrozenWeights.FileName,
            ["weights_placed_by"] = linked ? "hard link" : "copy",
            ["graphs"] = graphs,
            ["pet_tensors"] = new JsonArray(model.Layout.Tensors.Select(t => (JsonNode?)new JsonObject
            {
                ["name"] = t.Name,
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode?)d).ToArray()),
            }).ToArray()),
        };
        if (mergeSource is not null)
        {
            manifest["merged"] = Merge(modelDir, model, mergeSource, Path.Combine(outDir, MergedFolder));
        }

        File.WriteAllText(Path.Combine(outDir, ManifestFileName), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    private static JsonObject Merge(string modelDir, FrozenModel model, PetSource source, string mergedDir)
    {
        var pet = source.Load(model.Layout);
        Directory.CreateDirectory(mergedDir);
        string temp = Path.Combine(mergedDir, $".merged-{Environment.ProcessId}.safetensors");
        try
        {
            using (var weights = ClipWeights.Open(modelDir))
            {
                LoraMerger.WriteMergedWeights(weights, pet, temp);
            }

            FrozenWeights merged;
            using (var weights = ClipWeights.Open(temp, model.Config))
            {
                merged = FrozenWeights.Prepare(weights, mergedDir);
            }

            var adapters = PetSpec.Of([.. model.Layout.Spec.Adapters]);
            var adapterLayout = new PetLayout(adapters, model.Config);
            var adapterValues = PetParameters.Create(adapterLayout, 0);
            foreach (var t in adapterLayout.Tensors)
            {
                pet[t.Name].AsSpan().CopyTo(adapterValues[t.Name]);
            }

            var options = new ClipGraphOptions { Pet = adapterLayout.Tensors.Count > 0 ? adapterLayout : null, Normalize = true };
            var vision = ClipVisionGraph.Build(merged, options);
            var text = ClipTextGraph.Build(merged, options);
            LoraMerger.FreezeInputs(vision, adapterValues);
            LoraMerger.FreezeInputs(text, adapterValues);
            return new JsonObject
            {
                ["run"] = Path.GetFullPath(source.Description),
                ["folded"] = "lora (W + alpha/r * B A)",
                ["constants"] = adapterLayout.Tensors.Count > 0 ? "adapter tensors as initializers" : null,
                ["weights"] = MergedFolder + "/" + FrozenWeights.FileName,
                ["vision"] = Save(vision, mergedDir, "vision.onnx", MergedFolder + "/"),
                ["text"] = Save(text, mergedDir, "text.onnx", MergedFolder + "/"),
            };
        }
        finally
        {
            File.Delete(temp);
            File.Delete(Path.Combine(mergedDir, FrozenWeights.IndexFileName));
        }
    }

    private static JsonObject Save(ModelProto model, string dir, string fileName, string prefix = "")
    {
        string path = Path.Combine(dir, fileName);
        string temp = path + ".tmp";
        ModelIO.Save(model, temp);
        File.Move(temp, path, overwrite: true);
        return GraphSignature.Describe(model, prefix + fileName);
    }
}
