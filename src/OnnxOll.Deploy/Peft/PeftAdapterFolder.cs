using System.Text.Json.Nodes;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Pet;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Deploy.Peft;

/// <summary>Writes and reads PET tensors as a Hugging Face PEFT adapter folder: <c>adapter_config.json</c> (peft_type LORA) and
/// <c>adapter_model.safetensors</c> keyed <c>base_model.model.&lt;module&gt;.lora_A.weight</c> / <c>.lora_B.weight</c>.</summary>
/// <remarks>OnnxOll's fused <c>qkv</c> LoRA (one A shared by q, k and v) has no PEFT equivalent: it is written as separate q_proj, k_proj and
/// v_proj LoRAs with the same A and B split by rows (the same update), and joined again on reading when the stored spec says qkv.
/// Bottleneck adapters, which PEFT lacks, go beside it as <c>bottleneck_config.json</c> + <c>bottleneck_adapter.safetensors</c>
/// (keys <c>base_model.model.&lt;layer&gt;.adapter.{down,up}.{weight,bias}</c>). OnnxOll's spec, prompts and classes ride in the
/// safetensors metadata, which PEFT ignores.</remarks>
public static class PeftAdapterFolder
{
    /// <summary>PEFT's config file.</summary>
    public const string ConfigFileName = "adapter_config.json";

    /// <summary>PEFT's weights file.</summary>
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>The bottleneck adapters' config file.</summary>
    public const string BottleneckConfigFileName = "bottleneck_config.json";

    /// <summary>The bottleneck adapters' weights file.</summary>
    public const string BottleneckWeightsFileName = "bottleneck_adapter.safetensors";

    private const string SpecKey = "pet_spec";
    private const string PromptsKey = "prompts";
    private const string ClassesKey = "classes";

    /// <summary>True when <paramref name="directory"/> holds a PEFT or bottleneck adapter config.</summary>
    public static bool IsAdapterFolder(string directory) =>
        File.Exists(Path.Combine(directory, ConfigFileName)) || File.Exists(Path.Combine(directory, BottleneckConfigFileName));

    /// <summary>Writes <paramref name="pet"/> into <paramref name="directory"/> (created when missing); <paramref name="modelDirectory"/>, the base
    /// model folder, is recorded as <c>base_model_name_or_path</c> and its hash in the weights' metadata.</summary>
    /// <exception cref="ArgumentException">The spec has LoRA methods of different r or alpha (PEFT's config holds one of each), or adapter experts.</exception>
    /// <exception cref="IOException"><paramref name="directory"/> is a file, or a non-empty folder that holds no adapter (e.g. a model folder).</exception>
    public static void Write(PetParameters pet, string directory, string modelDirectory, IReadOnlyList<string>? prompts = null, IReadOnlyList<string>? classes = null)
    {
        OutputFolder.Check(directory, "adapter", IsAdapterFolder);
        var spec = pet.Layout.Spec;
        if (spec.Moes.Any())
        {
            throw new ArgumentException($"PET spec '{spec}': adapter experts (moe) have no PEFT or bottleneck adapter format; eval, predict and serve use the run itself.");
        }

        var lora = spec.Lora.ToArray();
        if (lora.Select(l => (l.Rank, l.Alpha)).Distinct().Count() > 1)
        {
            throw new ArgumentException($"PET spec '{spec}': LoRA methods of different r or alpha cannot share one PEFT adapter_config.json.");
        }

        Directory.CreateDirectory(directory);
        string baseModel = Path.GetFullPath(modelDirectory);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = "pt",
            [SpecKey] = spec.ToString(),
            [ModelHash.MetadataKey] = ModelHash.Compute(modelDirectory),
        };
        if (prompts is not null)
        {
            metadata[PromptsKey] = AdapterFiles.ToJsonList(prompts);
        }

        if (classes is not null)
        {
            metadata[ClassesKey] = AdapterFiles.ToJsonList(classes);
        }

        if (lora.Length > 0)
        {
            var modules = WriteLora(pet, Path.Combine(directory, WeightsFileName), metadata);
            AdapterFiles.WriteJson(Path.Combine(directory, ConfigFileName), PeftLoraConfig.Create(lora, modules, baseModel));
        }
        else
        {
            DeleteStale(directory, ConfigFileName, WeightsFileName);
        }

        if (spec.Adapters.Any())
        {
            BottleneckAdapterFiles.Write(pet, directory, baseModel, metadata);
        }
        else
        {
            DeleteStale(directory, BottleneckConfigFileName, BottleneckWeightsFileName);
        }
    }

    /// <summary>Reads an adapter folder written by OnnxOll or by PEFT (<c>save_pretrained</c> of a CLIP model's LoRA).</summary>
    /// <exception cref="InvalidDataException">A missing file, an unsupported PEFT option or an unknown module; the message names the file and field.</exception>
    public static PeftAdapter Read(string directory)
    {
        string configPath = Path.Combine(directory, ConfigFileName);
        string weightsPath = Path.Combine(directory, WeightsFileName);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var tensors = new List<NamedTensor>();
        var methods = new List<string>();
        string? baseModel = null;
        var loraModules = new List<(ClipTower Tower, int Layer, LoraTarget Target, NamedTensor A, NamedTensor B)>();
        (int Rank, double Alpha, bool AllLayers)? loraConfig = null;
        JsonObject? config = null;

        if (File.Exists(configPath))
        {
            config = AdapterFiles.ReadJson(configPath);
            baseModel = JsonFields.Optional<string?>(config, "base_model_name_or_path", configPath, null);
            loraConfig = PeftLoraConfig.Read(config, configPath);
            AdapterFiles.MergeMetadata(metadata, weightsPath);
            loraModules = ReadLora(weightsPath);
        }

        if (File.Exists(Path.Combine(directory, BottleneckConfigFileName)))
        {
            var (adapterMethods, adapterTensors, adapterBase) = BottleneckAdapterFiles.Read(directory, metadata);
            methods.AddRange(adapterMethods);
            tensors.AddRange(adapterTensors);
            baseModel ??= adapterBase;
        }

        PetSpec spec;
        if (metadata.TryGetValue(SpecKey, out var stored))
        {
            spec = PetSpec.Parse(stored);
        }
        else
        {
            var lora = loraConfig is { } c && loraModules.Count > 0
                ? PeftSpecInference.Lora(loraModules.Select(m => (m.Tower, m.Layer, m.Target)), c.Rank, c.Alpha, c.AllLayers)
                : "";
            spec = PetSpec.Parse(string.Join(";", new[] { lora }.Concat(methods).Where(s => s.Length > 0)));
        }

        if (config is not null && loraConfig is { } read)
        {
            PeftLoraConfig.CheckAgainst(config, configPath, (read.Rank, read.Alpha),
                loraModules.Select(m => (m.A.Name[PeftModuleNames.Prefix.Length..^".lora_A.weight".Length], m.A.Shape[0])), stored is null ? null : spec, weightsPath);
        }

        tensors.AddRange(OnnxOllLora(loraModules, spec, weightsPath));
        return new PeftAdapter(spec, new PetTensorSet(tensors, directory), baseModel, metadata.GetValueOrDefault(ModelHash.MetadataKey), AdapterFiles.JsonList(metadata, PromptsKey, directory), AdapterFiles.JsonList(metadata, ClassesKey, directory));
    }

    /// <summary>Removes what an earlier adapter of another spec left in the folder (the config first, so the folder never reads half of it).</summary>
    private static void DeleteStale(string directory, string config, string weights)
    {
        File.Delete(Path.Combine(directory, config));
        File.Delete(Path.Combine(directory, weights));
    }

    private static List<string> WriteLora(PetParameters pet, string path, Dictionary<string, string> metadata)
    {
        var writer = AdapterFiles.Writer(metadata);
        var modules = new List<string>();
        foreach (var t in pet.Layout.Tensors.Where(t => t.Name.EndsWith(".lora_A", StringComparison.Ordinal)))
        {
            string linear = t.Name[..^".lora_A".Length];
            float[] a = pet[t.Name], b = pet[linear + ".lora_B"];
            int rank = (int)t.Shape[0], inputs = (int)t.Shape[1];
            if (linear.EndsWith(".self_attn.qkv", StringComparison.Ordinal))
            {
                string layer = linear[..^".qkv".Length];
                int rows = b.Length / rank / 3;
                foreach (var (part, i) in new[] { "q_proj", "k_proj", "v_proj" }.Select((p, i) => (p, i)))
                {
                    writer.Add(PeftModuleNames.LoraKey($"{layer}.{part}", 'A'), a, rank, inputs);
                    writer.Add(PeftModuleNames.LoraKey($"{layer}.{part}", 'B'), b.AsSpan(i * rows * rank, rows * rank), rows, rank);
                    modules.Add($"{layer}.{part}");
                }
            }
            else
            {
                writer.Add(PeftModuleNames.LoraKey(linear, 'A'), a, t.Shape);
                writer.Add(PeftModuleNames.LoraKey(linear, 'B'), b, b.Length / rank, rank);
                modules.Add(linear);
            }
        }

        AdapterFiles.Save(writer, path);
        return modules;
    }

    private static List<(ClipTower, int, LoraTarget, NamedTensor, NamedTensor)> ReadLora(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: PEFT weights file is missing.", path);
        }

        var set = PetTensorSet.ReadSafeTensors(path);
        var modules = new List<(ClipTower, int, LoraTarget, NamedTensor, NamedTensor)>();
        foreach (var key in set.Tensors.Keys.Order(StringComparer.Ordinal))
        {
            if (!key.StartsWith(PeftModuleNames.Prefix, StringComparison.Ordinal) || !(key.EndsWith(".lora_A.weight", StringComparison.Ordinal) || key.EndsWith(".lora_B.weight", StringComparison.Ordinal)))
            {
                throw new InvalidDataException($"{path}: tensor '{key}' is not '{PeftModuleNames.Prefix}<module>.lora_A.weight' or '.lora_B.weight'.");
            }

            if (key.EndsWith(".lora_B.weight", StringComparison.Ordinal))
            {
                continue;
            }

            string module = key[PeftModuleNames.Prefix.Length..^".lora_A.weight".Length];
            var parsed = PeftModuleNames.Parse(module)
                ?? throw new InvalidDataException($"{path}: tensor '{key}': module '{module}' is not a LoRA target of a CLIP encoder layer (q_proj, k_proj, v_proj, out_proj, fc1, fc2).");
            var b = set.Tensors.GetValueOrDefault(PeftModuleNames.LoraKey(module, 'B'))
                ?? throw new InvalidDataException($"{path}: tensor '{PeftModuleNames.LoraKey(module, 'B')}' is missing.");
            modules.Add((parsed.Tower, parsed.Layer, parsed.Target, set.Tensors[key], b));
        }

        var orphan = set.Tensors.Keys.FirstOrDefault(k => k.EndsWith(".lora_B.weight", StringComparison.Ordinal) && !set.Tensors.ContainsKey(k[..^".lora_B.weight".Length] + ".lora_A.weight"));
        return orphan is null ? modules : throw new InvalidDataException($"{path}: tensor '{orphan}' has no lora_A.");
    }

    /// <summary>PEFT modules as OnnxOll tensors; q, k, v of a layer the spec fuses are joined (their A must be equal).</summary>
    private static IEnumerable<NamedTensor> OnnxOllLora(List<(ClipTower Tower, int Layer, LoraTarget Target, NamedTensor A, NamedTensor B)> modules, PetSpec spec, string path)
    {
        foreach (var group in modules.GroupBy(m => (m.Tower, m.Layer)))
        {
            foreach (var m in group)
            {
                string module = m.A.Name[PeftModuleNames.Prefix.Length..^".lora_A.weight".Length];
                if (!PeftModuleNames.IsFusedQkv(spec, m.Tower, m.Layer) || m.Target is not (LoraTarget.Q or LoraTarget.K or LoraTarget.V))
                {
                    yield return new NamedTensor(module + ".lora_A", m.A.Data, m.A.Shape);
                    yield return new NamedTensor(module + ".lora_B", m.B.Data, m.B.Shape);
                }
            }

            var qkv = new[] { LoraTarget.Q, LoraTarget.K, LoraTarget.V }.Select(t => group.FirstOrDefault(m => m.Target == t)).ToArray();
            if (!PeftModuleNames.IsFusedQkv(spec, group.Key.Tower, group.Key.Layer) || qkv.All(m => m.A is null))
            {
                continue;
            }

            if (qkv.Any(m => m.A is null || !m.A.Data.AsSpan().SequenceEqual(qkv[0].A.Data)))
            {
                throw new InvalidDataException($"{path}: layer {group.Key.Layer} of the {group.Key.Tower} tower needs q_proj, k_proj and v_proj with one shared lora_A (spec '{spec}' fuses them as qkv).");
            }

            string layer = qkv[0].A.Name[PeftModuleNames.Prefix.Length..^".q_proj.lora_A.weight".Length];
            var b = qkv.SelectMany(m => m.B.Data).ToArray();
            yield return new NamedTensor(layer + ".qkv.lora_A", qkv[0].A.Data, qkv[0].A.Shape);
            yield return new NamedTensor(layer + ".qkv.lora_B", b, b.Length / qkv[0].B.Shape[1], qkv[0].B.Shape[1]);
        }
    }
}
