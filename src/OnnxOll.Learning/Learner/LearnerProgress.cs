using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner;

/// <summary>A progress report after each stream batch; <paramref name="LossAverage"/> is the mean per-batch loss of the last
/// <paramref name="LossBatches"/> batches trained on (at most <see cref="OnlineLearner.LossWindow"/>; NaN before the first).</summary>
public sealed record LearnerProgress(long SamplesSeen, long TotalSamples, int Task, int Classes, double LossAverage, int LossBatches, double? LastAccuracy, int SkippedSteps, int SkippedSamples)
{
    /// <summary>The report for <paramref name="state"/> in a stream of <paramref name="length"/> samples (null: unknown).</summary>
    public static LearnerProgress Of(RunState state, long? length, MovingAverage loss) =>
        new(state.SamplesSeen, length ?? 0, state.Task, state.Vocabulary.Count, loss.Value, loss.Count,
            state.Records.Count > 0 ? state.Records[^1].Accuracy : null, state.SkippedSteps, state.SkippedSamples);
}
