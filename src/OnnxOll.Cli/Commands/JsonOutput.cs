using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxOll.Cli.Commands;

/// <summary>The <c>--json</c> option of every command that prints a table: one indented JSON document on stdout instead.</summary>
public static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Creates the option.</summary>
    public static Option<bool> Option() => new("--json") { Description = "Print one JSON document on stdout instead of the table." };

    /// <summary>Writes <paramref name="document"/> to stdout as one JSON document.</summary>
    public static void Write(JsonNode document) => Console.Out.WriteLine(document.ToJsonString(Options));
}
