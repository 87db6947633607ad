using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner;

/// <summary>What a run produced: its summary metrics, every evaluation, and whether it stopped early.</summary>
public sealed record LearnerResult(
    MetricsSummary Summary,
    IReadOnlyList<EvaluationRecord> Records,
    bool Completed,
    long Steps,
    int SkippedSteps,
    int SkippedSamples,
    double SamplesPerSecond);
