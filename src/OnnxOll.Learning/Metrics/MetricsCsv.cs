using System.Text;
using System.Text.Json.Nodes;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Metrics;

/// <summary>metrics.csv: the lines of metrics.jsonl as flat rows (RFC 4180) under one header; a step row leaves the evaluation
/// columns empty and the other way round, and <c>per_class</c> holds the evaluation's per-class accuracies as a JSON object.</summary>
public sealed class MetricsCsv(string path)
{
    /// <summary>File name beside metrics.jsonl.</summary>
    public const string FileName = "metrics.csv";

    /// <summary>The columns, in order: the JSON fields of steps and evaluations.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["kind", "batch", "samples_seen", "task", "loss", "grad_norm", "lr", "classes", "stream_accuracy", "accuracy", "per_class"];

    /// <summary>Full path of the CSV file.</summary>
    public string Path { get; } = path;

    /// <summary>Appends one metrics.jsonl line as a row, writing the header first into a new or empty file.</summary>
    public void Append(JsonObject line)
    {
        using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var text = new StringBuilder();
        if (stream.Length == 0)
        {
            text.Append(Header()).Append('\n');
        }

        text.Append(Row(line)).Append('\n');
        stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Replaces the file, atomically, by the rows of <paramref name="jsonlPath"/> (deleted when that file is absent).</summary>
    public void RewriteFrom(string jsonlPath)
    {
        if (!File.Exists(jsonlPath))
        {
            File.Delete(Path);
            return;
        }

        var text = new StringBuilder(Header()).Append('\n');
        foreach (var line in MetricsLog.ReadLines(jsonlPath))
        {
            text.Append(Row(line)).Append('\n');
        }

        AtomicFile.Write(Path, stream => stream.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>The header line.</summary>
    public static string Header() => string.Join(',', Columns);

    /// <summary>One metrics.jsonl line as a CSV row (no line end).</summary>
    public static string Row(JsonObject line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return string.Join(',', Columns.Select(c => Escape(line[c] switch
        {
            null => "",
            JsonValue v when v.TryGetValue(out string? s) => s,
            var node => node.ToJsonString(),
        })));
    }

    private static string Escape(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") < 0 ? cell : "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
