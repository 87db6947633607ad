namespace OnnxOll.Benchmarks;

/// <summary>One benchmark's measurements, as written to the JSON results.</summary>
public sealed record BenchResult(
    string Name,
    double MedianMs,
    double MinMs,
    double MaxMs,
    int Steps,
    double? GflopPerSecond,
    double PeakRssMb,
    IReadOnlyDictionary<string, string> Settings);
