using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Metrics;
using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Learning.Learner.Standard;

/// <summary>Draws accuracy.png/.svg and loss.png/.svg into the run folder when a run over a scenario completes.</summary>
internal sealed class RunPlots(string runDirectory, MetricsLog log, Scenario scenario) : LearnerPlugin
{
    public override void AfterRun(LearnerContext context)
    {
        if (context.Cancelled)
        {
            return;
        }

        if (context.State.Records.Count > 0)
        {
            AccuracyPlot.Write(context.State.Records, TaskBoundaries(), Path.Combine(runDirectory, "accuracy.png"), Path.Combine(runDirectory, "accuracy.svg"), AccuracyTitle(context));
        }

        if (File.Exists(log.RecordsPath) && MetricsLog.ReadSteps(log.RecordsPath) is { Count: > 0 } steps)
        {
            LossPlot.Write(steps, OnlineLearner.LossWindow, TaskBoundaries(), Path.Combine(runDirectory, "loss.png"), Path.Combine(runDirectory, "loss.svg"));
        }
    }

    private static string AccuracyTitle(LearnerContext context) =>
        AccuracyPlot.RunTitle(context.Options.Loss.ToString().ToLowerInvariant(), context.Model.Layout.Spec.ToString());

    private List<long> TaskBoundaries()
    {
        var boundaries = new List<long>();
        long total = 0;
        foreach (int size in scenario.TaskSizes.Take(scenario.TaskCount - 1))
        {
            total += size;
            boundaries.Add(total);
        }

        return boundaries;
    }
}
