namespace OnnxOll.Benchmarks;

/// <summary>One implementation's timing of one case in one process: medians in ms, the process's peak RSS, and for learn cases throughput.</summary>
/// <param name="Case">The case name.</param>
/// <param name="Implementation">onnxoll-float32, onnxoll-int8 or libtorch.</param>
/// <param name="MedianMs">Median of the timed repetitions (learn: ms per stream batch).</param>
/// <param name="MinMs">Fastest repetition.</param>
/// <param name="MaxMs">Slowest repetition.</param>
/// <param name="PeakRssMb">The process's peak resident set (VmHWM) when the case ended.</param>
/// <param name="SamplesPerSecond">Learn cases: samples per second of the whole run; others: null.</param>
/// <param name="Memory">Step cases: where the memory goes, in MB (RSS after opening the sessions, RSS growth over the first steps,
/// the managed heap, the frozen weights files); null elsewhere.</param>
public sealed record CaseMeasurement(string Case, string Implementation, double MedianMs, double MinMs, double MaxMs, double PeakRssMb,
    double? SamplesPerSecond = null, IReadOnlyDictionary<string, double>? Memory = null);
