using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Metrics;

/// <summary>Writes a run's evaluations and per-batch steps to <c>metrics.jsonl</c> (one JSON object per line) and its headline numbers to <c>summary.json</c>.</summary>
public sealed class MetricsLog
{
    /// <summary>File name of the evaluation and step log.</summary>
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
    public void Append(EvaluationRecord record) => AppendLine(EvaluationRecordJson.ToJson(record), flushToDisk: true);

    /// <summary>Appends one step as a line, flushed to the OS; <see cref="Sync"/> puts it on disk.</summary>
    public void Append(StepRecord record) => AppendLine(StepRecordJson.ToJson(record), flushToDisk: false);

    /// <summary>Flushes metrics.jsonl to disk, so a checkpoint written next never covers a step line the disk lost.</summary>
    public void Sync()
    {
        if (File.Exists(RecordsPath))
        {
            using var stream = new FileStream(RecordsPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Replaces metrics.jsonl, atomically, by <paramref name="steps"/> and <paramref name="records"/> in the order the learner
    /// writes them: by samples seen, a batch's step before an evaluation at the same point.</summary>
    public void Rewrite(IReadOnlyList<StepRecord> steps, IReadOnlyList<EvaluationRecord> records)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(records);
        var text = new StringBuilder();
        int s = 0, r = 0;
        while (s < steps.Count || r < records.Count)
        {
            var line = r == records.Count || (s < steps.Count && steps[s].SamplesSeen <= records[r].SamplesSeen)
                ? StepRecordJson.ToJson(steps[s++])
                : EvaluationRecordJson.ToJson(records[r++]);
            text.Append(line.ToJsonString()).Append('\n');
        }

        AtomicFile.Write(RecordsPath, stream => stream.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Rewrites metrics.jsonl for a run resumed after batch <paramref name="batches"/>: the file's step lines up to that batch,
    /// and the checkpoint's <paramref name="records"/>; returns the steps kept.</summary>
    /// <remarks>Later step lines are dropped (the resumed run writes them again), so are a damaged line (with a <paramref name="warning"/>)
    /// and the temp file of an interrupted rewrite.</remarks>
    public IReadOnlyList<StepRecord> RewriteForResume(long batches, IReadOnlyList<EvaluationRecord> records, Action<string>? warning = null)
    {
        foreach (var temp in Directory.EnumerateFiles(Path.GetDirectoryName(RecordsPath)!, "." + RecordsFileName + AtomicFile.TempMarker + "*"))
        {
            File.Delete(temp);
        }

        var kept = new List<StepRecord>();
        foreach (var (text, where) in File.Exists(RecordsPath) ? Lines(RecordsPath) : [])
        {
            try
            {
                var line = Parse(text, where);
                var step = StepRecordJson.IsStep(line) ? StepRecordJson.FromJson(line, where) : null;
                if (step is not null && step.Batch <= batches)
                {
                    kept.Add(step);
                }
            }
            catch (InvalidDataException e)
            {
                warning?.Invoke($"{e.Message} (line dropped)");
            }
        }

        Rewrite(kept, records);
        return kept;
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
        if (summary.Methods is { Count: > 0 } methods)
        {
            json["methods"] = new JsonObject(methods.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value)));
        }

        File.WriteAllText(SummaryPath, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads every evaluation of a metrics.jsonl file (step lines are skipped); errors name the file, line and field.</summary>
    public static IReadOnlyList<EvaluationRecord> ReadRecords(string path) =>
        [.. Objects(path).Where(o => !StepRecordJson.IsStep(o.Line)).Select(o => EvaluationRecordJson.FromJson(o.Line, o.Where))];

    /// <summary>Reads every step of a metrics.jsonl file (evaluations are skipped); errors name the file, line and field.</summary>
    public static IReadOnlyList<StepRecord> ReadSteps(string path) =>
        [.. Objects(path).Where(o => StepRecordJson.IsStep(o.Line)).Select(o => StepRecordJson.FromJson(o.Line, o.Where))];

    /// <summary>Every line of a metrics.jsonl file as a JSON object, in file order (steps and evaluations); errors name the file and line.</summary>
    public static IEnumerable<JsonObject> ReadLines(string path) => Objects(path).Select(o => o.Line);

    private void AppendLine(JsonObject line, bool flushToDisk)
    {
        using var stream = new FileStream(RecordsPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(Encoding.UTF8.GetBytes(line.ToJsonString() + "\n"));
        stream.Flush(flushToDisk);
    }

    private static IEnumerable<(JsonObject Line, string Where)> Objects(string path) => Lines(path).Select(l => (Parse(l.Text, l.Where), l.Where));

    private static IEnumerable<(string Text, string Where)> Lines(string path)
    {
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length > 0)
            {
                yield return (line, $"'{path}' line {lineNumber}");
            }
        }
    }

    private static JsonObject Parse(string text, string where)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where}: not JSON: {ex.Message}", ex);
        }

        return node as JsonObject ?? throw new InvalidDataException($"{where}: expected a JSON object.");
    }
}
