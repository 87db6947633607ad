namespace OnnxOll.Learning.Learner;

/// <summary>A progress report after each stream batch; <paramref name="LossAverage"/> is the mean per-batch loss of the last
/// <paramref name="LossBatches"/> batches trained on (at most <see cref="OnlineLearner.LossWindow"/>; NaN before the first).</summary>
public sealed record LearnerProgress(long SamplesSeen, long TotalSamples, int Task, int Classes, double LossAverage, int LossBatches, double? LastAccuracy, int SkippedSteps, int SkippedSamples);
