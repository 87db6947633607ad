using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Onnx.Json;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Deploy.Peft;

/// <summary>File helpers of adapter folders: JSON and safetensors written atomically, safetensors metadata read back.</summary>
internal static class AdapterFiles
{
    /// <summary>A writer carrying <paramref name="metadata"/>.</summary>
    public static SafeTensorsWriter Writer(IReadOnlyDictionary<string, string> metadata)
    {
        var writer = new SafeTensorsWriter();
        foreach (var (k, v) in metadata)
        {
            writer.Metadata[k] = v;
        }

        return writer;
    }

    /// <summary>Writes <paramref name="path"/> atomically (temp file, flush, rename).</summary>
    public static void Save(SafeTensorsWriter writer, string path) => AtomicFile.Write(path, writer.Write);

    /// <summary>Writes indented JSON atomically.</summary>
    public static void WriteJson(string path, JsonObject json) => AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(
        json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))));

    /// <summary>A JSON object file; errors name the file.</summary>
    public static JsonObject ReadJson(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>Adds the <c>__metadata__</c> of the safetensors file <paramref name="path"/> to <paramref name="metadata"/> (first value wins).</summary>
    public static void MergeMetadata(Dictionary<string, string> metadata, string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: adapter weights file is missing.", path);
        }

        try
        {
            using var file = SafeTensorsFile.Open(path);
            foreach (var (k, v) in file.Metadata)
            {
                metadata.TryAdd(k, v);
            }
        }
        catch (SafeTensorsFormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>A metadata value holding a JSON list of strings, or null when absent; <paramref name="source"/> names the adapter in errors.</summary>
    public static string[]? JsonList(IReadOnlyDictionary<string, string> metadata, string key, string source) =>
        metadata.TryGetValue(key, out var text) ? JsonFields.StringList(text, $"adapter metadata '{key}'", source) : null;

    /// <summary><paramref name="values"/> as a JSON list, for metadata.</summary>
    public static string ToJsonList(IEnumerable<string> values) => new JsonArray(values.Select(v => (JsonNode?)v).ToArray()).ToJsonString();
}
