using OnnxOll.Learning.Learner;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary>Shows a learning run's progress: a live Spectre bar on a terminal, a plain line every few percent otherwise.</summary>
public static class LearnProgressView
{
    private const int BarWidth = 20;

    // The bar, percentage ("100%"), remaining time ("00:00:00"), spinner and the grid's padding between them.
    private const int FixedColumnsWidth = BarWidth + 4 + 8 + 2 + 8;

    /// <summary>Runs <paramref name="run"/>, rendering the progress it reports; warnings go to stderr, or above the bar on a terminal.</summary>
    /// <param name="run">The job, given the progress sink and the warning sink.</param>
    /// <param name="title">The live bar's title, and the prefix of each plain line.</param>
    /// <param name="json">Whether stdout carries a JSON document: plain progress lines then go to stderr.</param>
    public static LearnerResult Run(Func<IProgress<LearnerProgress>, Action<string>, LearnerResult> run, string title, bool json = false)
    {
        if (json || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            int lastPercent = -10;
            var started = DateTime.UtcNow;
            return run(new SyncProgress(p =>
            {
                int percent = p.TotalSamples == 0 ? 100 : (int)(100 * p.SamplesSeen / p.TotalSamples);
                if (percent >= lastPercent + 10)
                {
                    lastPercent = percent;
                    (json ? Console.Error : Console.Out).WriteLine($"{title}: {Describe(p, (DateTime.UtcNow - started).TotalSeconds)}");
                }
            }), CommandErrors.Warn);
        }

        LearnerResult? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn { Width = BarWidth }, new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                var started = DateTime.UtcNow;
                result = run(new SyncProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.TotalSamples);
                    task.Value = p.SamplesSeen;
                    task.Description = Markup.Escape(Describe(p, (DateTime.UtcNow - started).TotalSeconds, DescriptionWidth(AnsiConsole.Profile.Width)));
                }), message => AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {message}"));
            });
        return result!;
    }

    /// <summary>The room the live bar leaves for its description on a terminal <paramref name="consoleWidth"/> columns wide (at least 12).</summary>
    public static int DescriptionWidth(int consoleWidth) => Math.Max(12, consoleWidth - FixedColumnsWidth);

    /// <summary>The progress line; with <paramref name="width"/>, parts are dropped least useful first (classes, rate, task, loss) until it
    /// fits, so the live bar never shortens it to a bare "…"; the samples and the accuracy stay.</summary>
    public static string Describe(LearnerProgress p, double seconds, int width = int.MaxValue)
    {
        // (text, rank): a part with a higher rank is dropped first.
        var parts = new List<(string Text, int Rank)>
        {
            ($"task {p.Task}", 3),
            ($"{p.SamplesSeen}/{p.TotalSamples} samples", 0),
            ($"{(seconds > 0 ? p.SamplesSeen / seconds : 0):F0}/s", 4),
            ($"classes {p.Classes}", 5),
        };
        if (double.IsFinite(p.LossAverage))
        {
            parts.Add(($"loss (avg {p.LossBatches}) {p.LossAverage:F3}", 2));
        }

        if (p.LastAccuracy is { } a)
        {
            parts.Add(($"acc {a:P1}", 1));
        }

        if (p.SkippedSteps + p.SkippedSamples > 0)
        {
            parts.Add(($"skipped {p.SkippedSteps} steps, {p.SkippedSamples} images", 1));
        }

        string line = string.Join(" | ", parts.Select(x => x.Text));
        while (line.Length > width && parts.Count > 1)
        {
            parts.Remove(parts.MaxBy(x => x.Rank));
            line = string.Join(" | ", parts.Select(x => x.Text));
        }

        return line.Length <= width ? line : line[..(width - 1)] + "…";
    }

    private sealed class SyncProgress(Action<LearnerProgress> report) : IProgress<LearnerProgress>
    {
        public void Report(LearnerProgress value) => report(value);
    }
}
