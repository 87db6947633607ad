using OnnxOll.Learning.Learner;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary>Prints a run's headline metrics as a table.</summary>
public static class ResultsTable
{
    /// <summary>Prints the summary of <paramref name="result"/> and where the run's files are, or with <paramref name="json"/> one JSON document.</summary>
    public static void Print(LearnerResult result, string runDir, bool json = false)
    {
        if (json)
        {
            JsonOutput.Write(JsonOutput.Of(result, runDir));
            return;
        }

        var s = result.Summary;
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("samples seen", s.SamplesSeen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("tasks", s.Tasks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("A_auc (anytime)", Percent(s.AAuc));
        table.AddRow("A_avg (task ends)", Percent(s.AAvg));
        table.AddRow("A_last", Percent(s.ALast));
        table.AddRow("F_last (forgetting)", Percent(s.FLast));
        table.AddRow("zero-shot held-out before / after", $"{Percent(s.ZeroShotBefore)} / {Percent(s.ZeroShotAfter)}");
        table.AddRow("training samples/s", result.SamplesPerSecond.ToString("F1", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("skipped steps / images", $"{result.SkippedSteps} / {result.SkippedSamples}");
        AnsiConsole.Write(table);
        string[] names = ["metrics.jsonl", "summary.json", "accuracy.png", "accuracy.svg", "loss.png", "loss.svg", "run.json"];
        var written = names.Where(n => File.Exists(Path.Combine(runDir, n))).ToList();
        int checkpoints = Directory.Exists(runDir) ? Directory.GetFiles(runDir, "ckpt-*.json").Length : 0;
        if (checkpoints > 0)
        {
            written.Add($"{checkpoints} checkpoint{(checkpoints == 1 ? string.Empty : "s")}");
        }

        AnsiConsole.MarkupLineInterpolated($"{(result.Completed ? "finished" : "interrupted; resume with --resume")}: {Path.GetFullPath(runDir)} ({(written.Count > 0 ? string.Join(", ", written) : "nothing written")})");
    }

    /// <summary>A fraction as a percentage with one decimal, or "-" when not measured.</summary>
    public static string Percent(double? value) => value is { } v ? v.ToString("P1", System.Globalization.CultureInfo.InvariantCulture) : "-";
}
