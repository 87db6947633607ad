namespace OnnxOll.Learning.Learner;

/// <summary>A progress report after each stream batch.</summary>
public sealed record LearnerProgress(long SamplesSeen, long TotalSamples, int Task, int Classes, float Loss, double? LastAccuracy, int SkippedSteps, int SkippedSamples);
