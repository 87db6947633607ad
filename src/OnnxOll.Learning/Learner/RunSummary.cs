using System.Diagnostics;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner;

/// <summary>A run's result and summary metrics from its evaluation records: A_auc over anytime records, A_avg, A_last and F_last over task ends.</summary>
internal static class RunSummary
{
    /// <summary>The result of a run that started at <paramref name="startSamples"/>; the summary (with the plugins' <paramref name="methods"/>
    /// measurements) is written to <paramref name="log"/> when given.</summary>
    public static LearnerResult Finish(RunState state, MetricsLog? log, int taskCount, double? zeroShotAfter, bool completed, long startSamples, Stopwatch clock,
        IReadOnlyDictionary<string, double>? methods = null)
    {
        var summary = Of(state, taskCount, zeroShotAfter) with { Methods = methods };
        log?.WriteSummary(summary);
        double seconds = clock.Elapsed.TotalSeconds;
        long trained = state.SamplesSeen - startSamples;
        return new LearnerResult(summary, state.Records, completed, state.Batches, state.SkippedSteps, state.SkippedSamples, trained,
            seconds > 0 ? trained / seconds : 0);
    }

    public static MetricsSummary Of(RunState state, int taskCount, double? zeroShotAfter)
    {
        var anytime = new AnytimeAccuracy();
        var average = new AverageAccuracy();
        var last = new LastAccuracy();
        var forgetting = new LastForgetting();
        foreach (var r in state.Records)
        {
            if (r.Kind == EvaluationKind.Anytime)
            {
                anytime.Update(r.Accuracy);
            }
            else if (r.Kind == EvaluationKind.TaskEnd)
            {
                average.Update(r.Accuracy);
                last.Update(r.Accuracy);
                forgetting.Update(r.PerClassAccuracy);
            }
        }

        return new MetricsSummary(
            state.SamplesSeen,
            taskCount,
            anytime.Count > 0 ? anytime.Result() : null,
            average.Count > 0 ? average.Result() : null,
            average.Count > 0 ? last.Result() : null,
            forgetting.Count > 1 ? forgetting.Result() : null,
            state.ZeroShotBefore,
            zeroShotAfter);
    }
}
