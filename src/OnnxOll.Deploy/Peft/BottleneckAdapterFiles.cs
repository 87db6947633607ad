using System.Text.Json.Nodes;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Pet;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Deploy.Peft;

/// <summary>OnnxOll's format for bottleneck adapters, which PEFT lacks: <c>bottleneck_config.json</c> + <c>bottleneck_adapter.safetensors</c>
/// keyed <c>base_model.model.&lt;layer&gt;.adapter.{down,up}.{weight,bias}</c>, beside (or instead of) a PEFT LoRA.</summary>
internal static class BottleneckAdapterFiles
{
    public const string Format = "onnxoll-bottleneck-adapter";

    /// <summary>Writes the adapter tensors of <paramref name="pet"/> and their config into <paramref name="directory"/>.</summary>
    public static void Write(PetParameters pet, string directory, string? baseModel, IReadOnlyDictionary<string, string> metadata)
    {
        var writer = AdapterFiles.Writer(metadata);
        foreach (var t in pet.Layout.Tensors.Where(t => t.Name.Contains(".adapter.", StringComparison.Ordinal)))
        {
            writer.Add(PeftModuleNames.Prefix + t.Name, pet[t.Name], t.Shape);
        }

        AdapterFiles.Save(writer, Path.Combine(directory, PeftAdapterFolder.BottleneckWeightsFileName));
        AdapterFiles.WriteJson(Path.Combine(directory, PeftAdapterFolder.BottleneckConfigFileName), new JsonObject
        {
            ["format"] = Format,
            ["version"] = 1,
            ["base_model_name_or_path"] = baseModel,
            ["non_linearity"] = "relu",
            ["placement"] = "one adapter per adapted encoder layer, applied with the same tensors to the self_attn output a and to the mlp output a before each residual add: h = h + a + scaling * up(dropout(relu(down(a))))",
            ["tensors"] = "adapter.down.weight [bottleneck_dim, hidden], adapter.down.bias [bottleneck_dim], adapter.up.weight [hidden, bottleneck_dim], adapter.up.bias [hidden] (torch nn.Linear layout: y = x W^T + b)",
            ["adapters"] = new JsonArray(pet.Layout.Spec.Adapters.Select(a => (JsonNode?)new JsonObject
            {
                ["bottleneck_dim"] = a.Dim,
                ["scaling"] = a.Scale,
                ["dropout"] = a.Dropout,
                ["towers"] = a.Towers.ToString().ToLowerInvariant(),
                ["layers"] = a.Layers.ToString(),
            }).ToArray()),
            ["pet_spec"] = pet.Layout.Spec.ToString(),
        });
    }

    /// <summary>The adapter methods (spec text), their tensors under OnnxOll's names and the base model; metadata goes into <paramref name="metadata"/>.</summary>
    public static (List<string> Methods, List<NamedTensor> Tensors, string? BaseModel) Read(string directory, Dictionary<string, string> metadata)
    {
        string configPath = Path.Combine(directory, PeftAdapterFolder.BottleneckConfigFileName);
        string weightsPath = Path.Combine(directory, PeftAdapterFolder.BottleneckWeightsFileName);
        var config = AdapterFiles.ReadJson(configPath);
        if (JsonFields.Optional<string?>(config, "format", configPath, null) != Format)
        {
            throw new InvalidDataException($"{configPath}: field 'format' is not '{Format}'.");
        }

        var methods = (config["adapters"] as JsonArray ?? throw new InvalidDataException($"{configPath}: field 'adapters' is {JsonFields.Describe(config["adapters"])}, expected an array."))
            .Select((a, i) => Method(a as JsonObject ?? throw new InvalidDataException($"{configPath}: field 'adapters[{i}]' is {JsonFields.Describe(a)}, expected an object."), i, configPath)).ToList();
        AdapterFiles.MergeMetadata(metadata, weightsPath);
        var tensors = PetTensorSet.ReadSafeTensors(weightsPath).Tensors.Values.Select(t => Unprefixed(t, weightsPath)).ToList();
        return (methods, tensors, JsonFields.Optional<string?>(config, "base_model_name_or_path", configPath, null));
    }

    private static string Method(JsonObject a, int index, string path)
    {
        T Field<T>(string name) => a[name] is { } node
            ? JsonFields.Value<T>(node, $"adapters[{index}].{name}", path)
            : throw new InvalidDataException($"{path}: field 'adapters[{index}].{name}' is missing.");
        return FormattableString.Invariant(
            $"adapter:dim={Field<int>("bottleneck_dim")},scale={Field<double>("scaling"):R},dropout={Field<double>("dropout"):R},towers={Field<string>("towers")},layers={Field<string>("layers")}");
    }

    private static NamedTensor Unprefixed(NamedTensor t, string path) =>
        t.Name.StartsWith(PeftModuleNames.Prefix, StringComparison.Ordinal)
            ? new NamedTensor(t.Name[PeftModuleNames.Prefix.Length..], t.Data, t.Shape)
            : throw new InvalidDataException($"{path}: tensor '{t.Name}' does not start with '{PeftModuleNames.Prefix}'.");
}
