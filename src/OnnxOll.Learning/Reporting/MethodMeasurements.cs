using System.Globalization;
using System.Text;

namespace OnnxOll.Learning.Reporting;

/// <summary>The protocol page's lines on what methods measured about themselves (summary.json's <c>methods</c>): each value as mean ± std
/// over seeds; Online-LoRA's consolidation positions per seed beside the scenario's true task ends.</summary>
public static class MethodMeasurements
{
    private const string PositionKey = ".position_";

    /// <summary>The markdown block for <paramref name="methods"/> of one scenario's runs, or null when no run measured anything.</summary>
    public static string? Of(IReadOnlyList<ProtocolRun> runs, IReadOnlyList<string> methods)
    {
        var lines = new List<string>();
        foreach (var method in methods)
        {
            var measured = runs.Where(r => r.Method == method && r.MethodMetrics.Count > 0).OrderBy(r => r.Seed).ToList();
            if (measured.Count == 0)
            {
                continue;
            }

            var keys = measured.SelectMany(r => r.MethodMetrics.Keys).Where(k => !k.Contains(PositionKey, StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal);
            var values = keys.Select(k => $"{k} {MeanStd.Of(measured.Select(r => r.MethodMetrics.TryGetValue(k, out double v) ? v : (double?)null))?.Format(1, Format(k))}");
            var line = new StringBuilder($"- {method}: {string.Join("; ", values)}");
            foreach (var run in measured.Where(r => r.MethodMetrics.Keys.Any(k => k.Contains(PositionKey, StringComparison.Ordinal))))
            {
                var positions = run.MethodMetrics.Where(kv => kv.Key.Contains(PositionKey, StringComparison.Ordinal)).OrderBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => ((long)kv.Value).ToString(CultureInfo.InvariantCulture));
                var taskEnds = run.Records.Where(r => r.Kind == Metrics.EvaluationKind.TaskEnd).Select(r => r.SamplesSeen.ToString(CultureInfo.InvariantCulture));
                line.Append(CultureInfo.InvariantCulture, $"; seed {run.Seed}: consolidated at samples {string.Join(", ", positions)} (task ends at {string.Join(", ", taskEnds)})");
            }

            lines.Add(line.Append('.').ToString());
        }

        return lines.Count == 0 ? null : "**What the methods measured** (summary.json `methods`, mean ± std over seeds):\n\n" + string.Join("\n", lines);
    }

    private static string Format(string key) => key.Contains("accuracy", StringComparison.Ordinal) || key.Contains("_to_", StringComparison.Ordinal) ? "F3" : "F1";
}
