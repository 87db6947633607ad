using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Clip.Model;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Pretraining;

/// <summary>A model recipe (<c>models/*.json</c>): a name, the Hugging Face CLIP config of the towers, and the pretraining settings.</summary>
public sealed record PretrainRecipe(string Name, ClipConfig Config, PretrainSettings Settings)
{
    /// <summary>Reads a recipe file; every error names the file and field.</summary>
    public static PretrainRecipe Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Recipe '{path}' does not exist.", path);
        }

        JsonObject o;
        try
        {
            o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"Recipe '{path}': not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Recipe '{path}': not valid JSON: {ex.Message}", ex);
        }

        string name = JsonFields.Optional(o, "name", $"Recipe '{path}'", Path.GetFileNameWithoutExtension(path));
        if (o["config"] is not JsonObject config)
        {
            throw new InvalidDataException($"Recipe '{path}': field 'config' (a Hugging Face CLIP config object) is missing.");
        }

        var settings = o["pretrain"] is JsonObject p ? PretrainSettings.FromJson(p, $"Recipe '{path}'") : new PretrainSettings();
        return new PretrainRecipe(name, ClipConfig.Parse(config.ToJsonString(), $"{path} (config)"), settings);
    }

    /// <summary>The recipe with the settings replaced (command-line overrides).</summary>
    public PretrainRecipe With(PretrainSettings settings) => this with { Settings = settings };
}
