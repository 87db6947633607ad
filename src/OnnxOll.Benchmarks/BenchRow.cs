namespace OnnxOll.Benchmarks;

/// <summary>One case's figures over all rounds of a run (medians), per implementation; null where an implementation did not run it.</summary>
public sealed record BenchRow(
    string Case,
    BenchKind Kind,
    double Gflop,
    double? Float32Ms,
    double? Int8Ms,
    double? LibtorchMs,
    double? Float32RssMb,
    double? Int8RssMb,
    double? LibtorchRssMb,
    double? Float32SamplesPerSecond = null,
    double? Int8SamplesPerSecond = null,
    double? PredictedFloat32SamplesPerSecond = null,
    double? PredictedInt8SamplesPerSecond = null)
{
    /// <summary>libtorch time / OnnxOll float32 time (above 1: OnnxOll is faster).</summary>
    public double? Float32Speedup => LibtorchMs / Float32Ms;

    /// <summary>libtorch time / OnnxOll int8 time.</summary>
    public double? Int8Speedup => LibtorchMs / Int8Ms;
}
