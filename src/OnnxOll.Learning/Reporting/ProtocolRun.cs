using System.Globalization;
using System.Text.Json.Nodes;
using OnnxOll.Onnx.Json;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Reporting;

/// <summary>One finished run of the evaluation protocol, read from <c>&lt;root&gt;/&lt;scenario&gt;/&lt;method&gt;/s&lt;seed&gt;/</c>: its summary,
/// evaluations and wall time (the <c>s&lt;seed&gt;.seconds</c> file the protocol script writes beside the run folder).</summary>
/// <remarks><see cref="MethodMetrics"/> are the learner plugins' own measurements (summary.json's <c>methods</c>, keyed <c>plugin.key</c>).</remarks>
public sealed record ProtocolRun(string Scenario, string Method, int Seed, IReadOnlyDictionary<string, double?> Summary, IReadOnlyList<EvaluationRecord> Records, double? Seconds,
    IReadOnlyDictionary<string, double> MethodMetrics)
{
    /// <summary>A summary value (a fraction, or a count), or null when the run did not measure it.</summary>
    public double? Get(string field) => Summary.TryGetValue(field, out var v) ? v : null;

    /// <summary>Stream samples per wall-clock second, evaluations included, when the time was recorded.</summary>
    public double? SamplesPerSecond => Seconds is > 0 && Get("samples_seen") is { } n ? n / Seconds : null;

    /// <summary>Every finished run under <paramref name="root"/> (folders with a summary.json), in scenario, method, seed order.</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> is not a folder.</exception>
    /// <exception cref="InvalidDataException">No finished run, or a summary.json that is not a JSON object.</exception>
    public static IReadOnlyList<ProtocolRun> Discover(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: runs folder does not exist{(File.Exists(root) ? " (it is a file)" : string.Empty)}.");
        }

        var runs = new List<ProtocolRun>();
        foreach (var scenario in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            foreach (var method in Directory.EnumerateDirectories(scenario).Order(StringComparer.Ordinal))
            {
                foreach (var run in Directory.EnumerateDirectories(method, "s*").Order(StringComparer.Ordinal))
                {
                    string summary = Path.Combine(run, "summary.json");
                    if (File.Exists(summary) && int.TryParse(Path.GetFileName(run)[1..], NumberStyles.None, CultureInfo.InvariantCulture, out int seed))
                    {
                        runs.Add(Read(Path.GetFileName(scenario), Path.GetFileName(method), seed, run));
                    }
                }
            }
        }

        return runs.Count > 0 ? runs : throw new InvalidDataException($"{root}: holds no finished run (expected <scenario>/<method>/s<seed>/summary.json).");
    }

    private static ProtocolRun Read(string scenario, string method, int seed, string run)
    {
        var json = JsonFields.ReadObject(Path.Combine(run, "summary.json"));
        var summary = json.Where(kv => kv.Value is JsonValue).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValueKind() == System.Text.Json.JsonValueKind.Number ? kv.Value.GetValue<double>() : (double?)null);
        string metrics = Path.Combine(run, "metrics.jsonl");
        var records = File.Exists(metrics) ? MetricsLog.ReadRecords(metrics) : [];
        string secondsFile = run + ".seconds";
        double? seconds = File.Exists(secondsFile) && double.TryParse(File.ReadAllText(secondsFile).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : null;
        var methods = json["methods"] is JsonObject m
            ? m.Where(kv => kv.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>())
            : [];
        return new ProtocolRun(scenario, method, seed, summary, records, seconds, methods);
    }
}
