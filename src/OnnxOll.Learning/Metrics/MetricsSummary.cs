namespace OnnxOll.Learning.Metrics;

/// <summary>The run's headline metrics for summary.json; null where not measured. <see cref="Methods"/> holds the learner plugins' own
/// measurements (e.g. DDAS routing accuracy), keyed <c>&lt;plugin&gt;.&lt;key&gt;</c>.</summary>
public sealed record MetricsSummary(
    long SamplesSeen,
    int Tasks,
    double? AAuc,
    double? AAvg,
    double? ALast,
    double? FLast,
    double? ZeroShotBefore,
    double? ZeroShotAfter,
    IReadOnlyDictionary<string, double>? Methods = null);
