using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Deploy.OrtAdapters;
using OnnxOll.Deploy.Peft;
using OnnxOll.Deploy.Pet;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Onnx.Json;
using OnnxOll.Onnx.Models;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Deploy.Export;

/// <summary>Writes a self-describing folder for any ONNX Runtime target: evaluation and training graphs with their weights, the PET tensors
/// (as safetensors, a PEFT adapter folder and an ONNX Runtime adapter), config, tokenizer, preprocessing, prompts, class vocabulary with
/// its text features, and a manifest stating all of it; optionally an inference model with the LoRA folded into the weights.</summary>
public static class ModelExporter
{
    /// <summary>The manifest's <c>format</c>.</summary>
    public const string Format = "onnxoll-export";

    /// <summary>The manifest's <c>version</c>.</summary>
    public const int Version = 2;

    /// <summary>The manifest's file name.</summary>
    public const string ManifestFileName = "manifest.json";

    /// <summary>The PET tensors' file name (learned when exported from a run, else initial).</summary>
    public const string PetFileName = "pet.safetensors";

    /// <summary>The PEFT adapter sub-folder.</summary>
    public const string PeftFolder = "adapter";

    /// <summary>The ONNX Runtime adapter file holding every PET tensor (for train.onnx); vision and text get <c>vision.onnx_adapter</c> and <c>text.onnx_adapter</c>.</summary>
    public const string OrtAdapterFileName = "pet" + OrtAdapterFile.Extension;

    /// <summary>The class vocabulary's text features.</summary>
    public const string ClassEmbeddingsFileName = "class_embeddings.safetensors";

    /// <summary>The merged inference model's sub-folder.</summary>
    public const string MergedFolder = "merged";

    private static readonly string[] TokenizerFiles = ["vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"];

    /// <summary>Exports <paramref name="modelDir"/> into <paramref name="outDir"/> (new, empty or an earlier export, replaced as a whole only
    /// when the export succeeded); returns the manifest written.</summary>
    /// <exception cref="ArgumentException">No spec and no tensors, tensors of another spec than <see cref="ExportOptions.Spec"/>, merge without tensors,
    /// or adapter experts (moe) in the spec.</exception>
    /// <exception cref="IOException"><paramref name="outDir"/> is a file or a non-empty folder that holds no export.</exception>
    public static JsonObject Export(string modelDir, string outDir, ExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OutputFolder.Write(outDir, "export", IsExport, staging => Write(modelDir, staging, options));
    }

    /// <summary>True when <paramref name="directory"/> holds an export's manifest (a folder <see cref="Export"/> may replace).</summary>
    public static bool IsExport(string directory)
    {
        try
        {
            return JsonFields.ReadObject(Path.Combine(directory, ManifestFileName))["format"] is JsonValue format
                && format.TryGetValue(out string? name) && name == Format;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static JsonObject Write(string modelDir, string outDir, ExportOptions options)
    {
        var source = options.Pet;
        if (source is not null && options.Spec is not null && source.Spec.ToString() != options.Spec.ToString())
        {
            throw new ArgumentException($"{source.Description}: the tensors are of PET spec '{source.Spec}', --pet is '{options.Spec}'.");
        }

        if (options.Merge && source is null)
        {
            throw new ArgumentException("Merging needs learned tensors (a run, checkpoint or adapter).");
        }

        var spec = source?.Spec ?? options.Spec ?? throw new ArgumentException("Give a PET spec or learned tensors (a run, checkpoint or adapter) to export.");
        if (spec.Moes.Any())
        {
            throw new ArgumentException($"PET spec '{spec}': adapter experts (moe) are not exported; eval, predict and serve use the run itself.");
        }

        var model = FrozenModel.Open(modelDir, spec, options.Frozen);
        var frozen = model.Frozen;
        Directory.CreateDirectory(outDir);
        bool linked = FileLinks.LinkOrCopy(Path.Combine(frozen.Directory, FrozenWeights.FileName), Path.Combine(outDir, FrozenWeights.FileName));
        if (frozen.Int8 is not null)
        {
            FileLinks.LinkOrCopy(Path.Combine(frozen.Directory, QuantizedWeights.FileName), Path.Combine(outDir, QuantizedWeights.FileName));
        }

        var visionGraph = ClipVisionGraph.Build(frozen, new ClipGraphOptions { Pet = model.Layout, Normalize = true });
        var textGraph = ClipTextGraph.Build(frozen, new ClipGraphOptions { Pet = model.Layout, Normalize = true });
        if (options.PetInputs == PetInputMode.Optional)
        {
            OptionalPetInputs.AddZeroDefaults(visionGraph, model.Layout);
            OptionalPetInputs.AddZeroDefaults(textGraph, model.Layout);
        }

        var graphs = new JsonObject
        {
            ["vision"] = Save(visionGraph, outDir, "vision.onnx"),
            ["text"] = Save(textGraph, outDir, "text.onnx"),
        };
        if (model.Layout.Tensors.Count > 0)
        {
            graphs["train"] = Save(ClipTrainingGraph.Build(frozen, model.Layout, new ClipTrainingOptions { DoubleSoftmax = options.DoubleSoftmax }), outDir, "train.onnx");
        }

        var pet = source?.Load(model.Layout) ?? PetParameters.Create(model.Layout, options.Seed);
        pet.Save(Path.Combine(outDir, PetFileName), new Dictionary<string, string> { [ModelHash.MetadataKey] = model.ModelHash });
        var prompts = options.Prompts ?? source?.Prompts ?? [PromptTemplates.DefaultTemplate];
        var classes = options.Classes ?? source?.Classes;
        var files = CopyModelFiles(modelDir, outDir, model.Config);
        var manifest = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["model_hash"] = model.ModelHash,
            ["base_model"] = Path.GetFullPath(modelDir),
            ["pet_spec"] = spec.ToString(),
            ["pet"] = new JsonObject
            {
                ["file"] = PetFileName,
                ["learned"] = source is not null,
                ["source"] = source is null ? $"initial tensors, seed {options.Seed}" : Path.GetFullPath(source.Description),
            },
            ["logit_scale"] = frozen.LogitScale,
            ["projection_dim"] = model.Config.ProjectionDim,
            ["image_size"] = model.Config.Vision.ImageSize,
            ["context_length"] = model.Config.Text.MaxPositionEmbeddings,
            ["weights"] = FrozenWeights.FileName,
            ["weights_placed_by"] = linked ? "hard link" : "copy",
            ["frozen"] = options.Frozen.ToString().ToLowerInvariant(),
            ["graphs"] = graphs,
            ["outputs"] = new JsonObject
            {
                [ClipGraphNames.ImageEmbeds] = "vision.onnx (and merged/vision.onnx): [batch, projection_dim] image embeddings, CLIP's visual_projection "
                    + "of the post-layernorm class token, L2-normalised to unit length",
                [ClipGraphNames.TextEmbeds] = "text.onnx (and merged/text.onnx): [classes, projection_dim] text embeddings, CLIP's text_projection of the "
                    + "final-layernorm end-of-text token, L2-normalised to unit length",
                ["similarity"] = "image_embeds · text_embedsᵀ is the cosine similarity; CLIP's logits are exp(logit_scale) times it",
                [ClassEmbeddingsFileName] = "text_embeds [classes, projection_dim]: each class's text embeddings averaged over the prompts, L2-normalised",
            },
            ["pet_inputs"] = options.PetInputs == PetInputMode.Optional
                ? "optional in vision.onnx and text.onnx: each PET input has an initializer of zeros (the identity of LoRA and of the "
                    + "bottleneck adapters), so the graph runs the base model when they are not fed, and the learned PET when they are fed "
                    + "(pet.safetensors) or come from an active .onnx_adapter; onnxruntime-node ignores fed inputs that have an initializer "
                    + "(export with --pet-inputs required for it); train.onnx needs them fed"
                : "required in vision.onnx and text.onnx: feed every PET input (pet.safetensors; zeros give the base model); train.onnx needs them fed",
            ["pet_tensors"] = new JsonArray(model.Layout.Tensors.Select(t => (JsonNode?)new JsonObject
            {
                ["name"] = t.Name,
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode?)d).ToArray()),
            }).ToArray()),
            ["config"] = "config.json",
            ["preprocessor"] = PreprocessorConfig.FileName,
            ["preprocessing"] = PreprocessorConfig.ToJson(PreprocessorConfig.Load(modelDir, model.Config.Vision.ImageSize)),
            ["tokenizer"] = new JsonArray(files.Select(f => (JsonNode?)f).ToArray()),
            ["prompts"] = new JsonArray(prompts.Select(p => (JsonNode?)p).ToArray()),
        };

        if (model.Layout.Tensors.Count > 0)
        {
            var adapters = new JsonObject { ["train"] = OrtAdapterFileName };
            OrtAdapterFile.Write(pet, Path.Combine(outDir, OrtAdapterFileName));
            foreach (var (name, graph) in new[] { ("vision", visionGraph), ("text", textGraph) })
            {
                var inputs = graph.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
                if (model.Layout.Tensors.Any(t => inputs.Contains(t.Name)))
                {
                    OrtAdapterFile.Write(pet, Path.Combine(outDir, name + OrtAdapterFile.Extension), inputs);
                    adapters[name] = name + OrtAdapterFile.Extension;
                }
            }

            manifest["onnx_adapters"] = adapters;
            try
            {
                PeftAdapterFolder.Write(pet, Path.Combine(outDir, PeftFolder), Path.GetFullPath(modelDir), prompts, classes);
                manifest["peft_adapter"] = PeftFolder;
            }
            catch (ArgumentException e)
            {
                manifest["peft_adapter"] = null;
                manifest["peft_adapter_skipped"] = e.Message;
            }
        }

        if (classes is { Count: > 0 })
        {
            using var runtime = ClipModelRuntime.Open(modelDir, spec, options.Settings, options.Frozen);
            ClipClassifier.ClassFeatures(runtime, pet, classes, prompts).Save(Path.Combine(outDir, ClassEmbeddingsFileName));
            manifest["classes"] = new JsonArray(classes.Select(c => (JsonNode?)c).ToArray());
            manifest["class_embeddings"] = ClassEmbeddingsFileName;
            if (options.Router is not null)
            {
                ClipClassifier.ClassFeatures(runtime, PetParameters.Zero(model.Layout), classes, prompts).Save(Path.Combine(outDir, RouterExport.FrozenClassEmbeddingsFileName));
                manifest["class_embeddings_frozen"] = RouterExport.FrozenClassEmbeddingsFileName;
            }
        }

        if (options.Router is not null)
        {
            manifest["routing"] = RouterExport.Write(options.Router, outDir);
        }

        if (options.Merge)
        {
            manifest["merged"] = Merge(modelDir, model, pet, source!.Description, Path.Combine(outDir, MergedFolder));
        }

        string manifestPath = Path.Combine(outDir, ManifestFileName);
        File.WriteAllText(manifestPath + ".tmp", manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        File.Move(manifestPath + ".tmp", manifestPath, overwrite: true);
        return manifest;
    }

    /// <summary>Copies config.json (written from the config when the layout has none, e.g. open_clip or OpenAI) and the tokenizer
    /// files, and writes the preprocessing actually used; returns the tokenizer files copied.</summary>
    private static List<string> CopyModelFiles(string modelDir, string outDir, ClipConfig config)
    {
        int imageSize = config.Vision.ImageSize;
        string source = Path.Combine(modelDir, ClipConfig.FileName);
        if (File.Exists(source))
        {
            File.Copy(source, Path.Combine(outDir, ClipConfig.FileName), overwrite: true);
        }
        else
        {
            config.Save(Path.Combine(outDir, ClipConfig.FileName));
        }

        PreprocessorConfig.Write(PreprocessorConfig.Load(modelDir, imageSize), outDir);
        var copied = new List<string>();
        foreach (string name in TokenizerFiles.Where(f => File.Exists(Path.Combine(modelDir, f))))
        {
            File.Copy(Path.Combine(modelDir, name), Path.Combine(outDir, name), overwrite: true);
            copied.Add(name);
        }

        return copied;
    }

    private static JsonObject Merge(string modelDir, FrozenModel model, PetParameters pet, string description, string mergedDir)
    {
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
                ["run"] = Path.GetFullPath(description),
                ["folded"] = model.Layout.Spec.Lora.Any() ? "lora (W + alpha/r * B A)" : null, // an adapter-only spec folds nothing
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
