using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner.Standard;

/// <summary>Writes each trained batch's mean loss, gradient norm, learning rate and class count to the metrics log and keeps the
/// loss's moving average over <see cref="OnlineLearner.LossWindow"/> batches for the progress line.</summary>
internal sealed class StepLog(MetricsLog log) : LearnerPlugin
{
    private readonly MovingAverage average = new(OnlineLearner.LossWindow);

    /// <summary>The moving average of the batch losses.</summary>
    public MovingAverage Average => average;

    /// <summary>Drops log lines newer than the resumed checkpoint and refills the moving average from those kept.</summary>
    public void Resume(RunState state, Action<string>? warning)
    {
        foreach (var kept in log.RewriteForResume(state.Batches, state.Records, warning))
        {
            average.Add(kept.Loss);
        }
    }

    public override void AfterBatch(LearnerContext context)
    {
        if (context.LastStep is { } step)
        {
            log.Append(step);
            average.Add(step.Loss);
        }
    }
}
