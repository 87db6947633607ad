using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner;

/// <summary>What a run produced: its summary metrics, every evaluation, and whether it stopped early.</summary>
/// <remarks><see cref="SamplesTrained"/> and <see cref="SamplesPerSecond"/> count this process's samples only (not those before a resume).</remarks>
public sealed record LearnerResult(
    MetricsSummary Summary,
    IReadOnlyList<EvaluationRecord> Records,
    bool Completed,
    long Steps,
    int SkippedSteps,
    int SkippedSamples,
    long SamplesTrained,
    double SamplesPerSecond);
