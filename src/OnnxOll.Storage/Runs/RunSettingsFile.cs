using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxOll.Storage.Runs;

/// <summary>A run folder's <c>run.json</c> as readers outside the learner see it: where it is and which model folder it names.</summary>
public static class RunSettingsFile
{
    /// <summary>The settings file's name.</summary>
    public const string FileName = "run.json";

    /// <summary>The model folder a run's <c>run.json</c> names, or null when it names none or cannot be read.</summary>
    public static string? RecordedModel(string directory)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(Path.Combine(directory, FileName)))?["model"] is JsonValue model && model.TryGetValue(out string? path) ? path : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }
}
