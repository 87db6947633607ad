using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Learning.Learner;

namespace OnnxOll.Cli.Commands;

/// <summary>The <c>--json</c> option of every command that prints a table: one indented JSON document on stdout instead.</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The option's name.</summary>
    public const string Name = "--json";

    /// <summary>Creates the option.</summary>
    public static Option<bool> Option() => new(Name) { Description = "Print one JSON document on stdout instead of the table (other output goes to stderr)." };

    /// <summary>Whether the parsed command has <c>--json</c> and it was given.</summary>
    public static bool Requested(ParseResult parse) =>
        parse.CommandResult.Command.Options.FirstOrDefault(o => o.Name == Name) is Option<bool> json && parse.GetValue(json);

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A learning run's result as JSON: its summary.json fields plus speed, completion and the run folder.</summary>
    public static JsonObject Of(LearnerResult result, string runDir)
    {
        var node = JsonSerializer.SerializeToNode(result.Summary, SnakeCase)!.AsObject();
        node["samples_per_second"] = result.SamplesPerSecond;
        node["skipped_steps"] = result.SkippedSteps;
        node["skipped_samples"] = result.SkippedSamples;
        node["completed"] = result.Completed;
        node["run"] = Path.GetFullPath(runDir);
        return node;
    }

    /// <summary>Serialises <paramref name="value"/> with snake_case names.</summary>
    public static JsonNode? Of<T>(T value) => JsonSerializer.SerializeToNode(value, SnakeCase);

    /// <summary>Writes <paramref name="document"/> to stdout as one JSON document.</summary>
    public static void Write(JsonNode document) => Console.Out.WriteLine(document.ToJsonString(Options));
}
