using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Learning.Learner;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OnnxOll.Jobs.Configuration;

/// <summary>Reads a job's settings from a config file (JSON, or YAML for <c>.yaml</c>/<c>.yml</c>) or from a run's <c>run.json</c>.</summary>
/// <remarks>Keys are the long option names (<c>lr</c>, <c>weight-decay</c>, <c>method</c>) or the names <c>run.json</c> records
/// (<c>weight_decay</c>, <c>methods</c>), so a run's settings block is itself a config file.</remarks>
public static class ConfigFile
{
    /// <summary>The settings of <paramref name="path"/>: a JSON or YAML mapping of keys to a value or a list of values.</summary>
    /// <exception cref="InvalidDataException">The file is not a mapping of scalars and lists (the message names file and key).</exception>
    public static IReadOnlyList<ConfigEntry> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Config file '{path}' does not exist.", path);
        }

        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension is ".yaml" or ".yml" ? ReadYaml(path) : Entries(ParseJson(path), path);
    }

    /// <summary>The settings a run recorded: its <c>run.json</c>'s fixed and changeable settings and its model folder.</summary>
    /// <returns>The entries, or null when <paramref name="runDirectory"/> holds no <c>run.json</c>.</returns>
    public static IReadOnlyList<ConfigEntry>? ReadRun(string runDirectory)
    {
        string path = Path.Combine(runDirectory, Learning.Runs.RunFolder.SettingsFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var document = ParseJson(path);
        var entries = new List<ConfigEntry>();
        if (document["model"] is JsonValue model && model.TryGetValue(out string? modelDirectory))
        {
            entries.Add(new ConfigEntry("model", [modelDirectory], path));
        }

        foreach (string block in (string[])["settings", "changeable"])
        {
            entries.AddRange(document[block] is JsonObject settings ? Entries(settings, path) : []);
        }

        if (document["settings"] is JsonObject learned && learned.ContainsKey("batch"))
        {
            // A learning run's settings leave out what is 0; the options' defaults may not be.
            entries.AddRange(LearnerOptions.ZeroWhenAbsent.Where(k => !learned.ContainsKey(k)).Select(k => new ConfigEntry(k, ["0"], path)));
        }

        return entries;
    }

    private static JsonObject ParseJson(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object of settings.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    private static List<ConfigEntry> Entries(JsonObject settings, string path) =>
        [.. settings.Select(kv => new ConfigEntry(kv.Key, Values(kv.Value, path, kv.Key), path))];

    private static List<string> Values(JsonNode? node, string path, string key) => node switch
    {
        null => [],
        JsonArray items => [.. items.Select(i => Scalar(i, path, key))],
        _ => [Scalar(node, path, key)],
    };

    private static string Scalar(JsonNode? node, string path, string key) => node switch
    {
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonValue v when v.TryGetValue(out bool b) => b ? "true" : "false",
        JsonValue v when v.GetValueKind() is JsonValueKind.Number => v.ToJsonString(),
        _ => throw new InvalidDataException($"{path}: key '{key}' holds {node?.ToJsonString() ?? "null"}; expected a string, number, true/false or a list of them."),
    };

    private static List<ConfigEntry> ReadYaml(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path}: not valid YAML ({e.Message}).", e);
        }

        if (stream.Documents.Count == 0)
        {
            return [];
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{path}: expected a YAML mapping of settings.");
        }

        return [.. root.Children.Select(kv => new ConfigEntry(YamlScalar(kv.Key, path, "(key)"), YamlValues(kv.Value, path, YamlScalar(kv.Key, path, "(key)")), path))];
    }

    private static List<string> YamlValues(YamlNode node, string path, string key) =>
        node is YamlSequenceNode items ? [.. items.Children.Select(i => YamlScalar(i, path, key))] : [YamlScalar(node, path, key)];

    private static string YamlScalar(YamlNode node, string path, string key) =>
        node is YamlScalarNode { Value: { } value } ? value
            : throw new InvalidDataException($"{path}: key '{key}' holds a {node.NodeType}; expected a value or a list of values.");
}
