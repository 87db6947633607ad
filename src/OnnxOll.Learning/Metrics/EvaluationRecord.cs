namespace OnnxOll.Learning.Metrics;

/// <summary>One evaluation: when in the stream, which task, why, overall and per-class accuracy (fractions in [0, 1]).</summary>
public sealed record EvaluationRecord(
    long SamplesSeen,
    int Task,
    EvaluationKind Kind,
    double Accuracy,
    IReadOnlyDictionary<string, double> PerClassAccuracy);
