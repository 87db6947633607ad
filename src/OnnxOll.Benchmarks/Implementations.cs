using OnnxOll.Clip.Graphs;

namespace OnnxOll.Benchmarks;

/// <summary>Names of the implementations a benchmark compares.</summary>
public static class Implementations
{
    /// <summary>The libtorch peer (TorchSharp-cpu, ../shared/peer).</summary>
    public const string Libtorch = "libtorch";

    /// <summary>OnnxOll with float32 frozen weights.</summary>
    public const string OnnxOllFloat32 = "onnxoll-float32";

    /// <summary>OnnxOll with int8 frozen weights.</summary>
    public const string OnnxOllInt8 = "onnxoll-int8";

    /// <summary>The name of OnnxOll at <paramref name="precision"/>.</summary>
    public static string OnnxOll(FrozenPrecision precision) => precision == FrozenPrecision.Int8 ? OnnxOllInt8 : OnnxOllFloat32;
}
