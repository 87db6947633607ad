using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxOll.Learning.Metrics;

/// <summary>Writes a run's evaluations to <c>metrics.jsonl</c> (one JSON object per line) and its headline numbers to <c>summary.json</c>.</summary>
public sealed class MetricsLog
{
    /// <summary>File name of the evaluation log.</summary>
    public const string RecordsFileName = "metrics.jsonl";

    /// <summary>File name of the summary.</summary>
    public const string SummaryFileName = "summary.json";

    /// <summary>Logs into <paramref name="runDirectory"/>, creating it when missing.</summary>
    public MetricsLog(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        RecordsPath = Path.Combine(runDirectory, RecordsFileName);
        SummaryPath = Path.Combine(runDirectory, SummaryFileName);
    }

    /// <summary>Full path of metrics.jsonl.</summary>
    public string RecordsPath { get; }

    /// <summary>Full path of summary.json.</summary>
    public string SummaryPath { get; }

    /// <summary>Appends one evaluation as a line and flushes it to disk.</summary>
    public void Append(EvaluationRecord record)
    {
        string line = EvaluationRecordJson.ToJson(record).ToJsonString() + "\n";
        using var stream = new FileStream(RecordsPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(line));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces metrics.jsonl by <paramref name="records"/> (e.g. those stored in a checkpoint being resumed).</summary>
    public void Rewrite(IEnumerable<EvaluationRecord> records)
    {
        var text = new StringBuilder();
        foreach (var record in records)
        {
            text.Append(EvaluationRecordJson.ToJson(record).ToJsonString()).Append('\n');
        }

        File.WriteAllText(RecordsPath, text.ToString());
    }

    /// <summary>Writes summary.json (indented).</summary>
    public void WriteSummary(MetricsSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        double? change = summary.ZeroShotBefore is { } b && summary.ZeroShotAfter is { } a ? a - b : null;
        var json = new JsonObject
        {
            ["samples_seen"] = summary.SamplesSeen,
            ["tasks"] = summary.Tasks,
            ["a_auc"] = summary.AAuc,
            ["a_avg"] = summary.AAvg,
            ["a_last"] = summary.ALast,
            ["f_last"] = summary.FLast,
            ["zero_shot_before"] = summary.ZeroShotBefore,
            ["zero_shot_after"] = summary.ZeroShotAfter,
            ["zero_shot_change"] = change,
        };
        File.WriteAllText(SummaryPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads every evaluation of a metrics.jsonl file; errors name the file and line.</summary>
    public static IReadOnlyList<EvaluationRecord> ReadRecords(string path)
    {
        var records = new List<EvaluationRecord>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            string where = $"'{path}' line {lineNumber}";
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{where}: not JSON: {ex.Message}", ex);
            }

            records.Add(EvaluationRecordJson.FromJson(node, where));
        }

        return records;
    }
}
