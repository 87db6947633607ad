using OnnxOll.Learning.Learner;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary>Shows a learning run's progress: a live Spectre bar on a terminal, a plain line every few percent otherwise.</summary>
public static class LearnProgressView
{
    /// <summary>Runs <paramref name="run"/>, rendering the progress it reports; warnings go to stderr, or above the bar on a terminal.</summary>
    public static LearnerResult Run(Func<IProgress<LearnerProgress>, Action<string>, LearnerResult> run, string title)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            int lastPercent = -10;
            var started = DateTime.UtcNow;
            return run(new SyncProgress(p =>
            {
                int percent = p.TotalSamples == 0 ? 100 : (int)(100 * p.SamplesSeen / p.TotalSamples);
                if (percent >= lastPercent + 10)
                {
                    lastPercent = percent;
                    Console.WriteLine(Describe(p, (DateTime.UtcNow - started).TotalSeconds));
                }
            }), CommandErrors.Warn);
        }

        LearnerResult? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title));
                var started = DateTime.UtcNow;
                result = run(new SyncProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.TotalSamples);
                    task.Value = p.SamplesSeen;
                    task.Description = Markup.Escape(Describe(p, (DateTime.UtcNow - started).TotalSeconds));
                }), message => AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {message}"));
            });
        return result!;
    }

    private static string Describe(LearnerProgress p, double seconds) =>
        $"task {p.Task} | {p.SamplesSeen}/{p.TotalSamples} samples | {(seconds > 0 ? p.SamplesSeen / seconds : 0):F0}/s | classes {p.Classes}"
        + (double.IsFinite(p.LossAverage) ? $" | loss (avg {p.LossBatches}) {p.LossAverage:F3}" : string.Empty)
        + (p.LastAccuracy is { } a ? $" | acc {a:P1}" : string.Empty)
        + (p.SkippedSteps + p.SkippedSamples > 0 ? $" | skipped {p.SkippedSteps} steps, {p.SkippedSamples} images" : string.Empty);

    private sealed class SyncProgress(Action<LearnerProgress> report) : IProgress<LearnerProgress>
    {
        public void Report(LearnerProgress value) => report(value);
    }
}
