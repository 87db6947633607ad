namespace OnnxOll.Learning.Metrics;

/// <summary>The run's headline metrics for summary.json; null where not measured.</summary>
public sealed record MetricsSummary(
    long SamplesSeen,
    int Tasks,
    double? AAuc,
    double? AAvg,
    double? ALast,
    double? FLast,
    double? ZeroShotBefore,
    double? ZeroShotAfter);
