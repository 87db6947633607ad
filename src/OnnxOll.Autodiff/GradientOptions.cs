namespace OnnxOll.Autodiff;

/// <summary>Settings of <see cref="GradientGraph.Build"/>.</summary>
public sealed class GradientOptions
{
    /// <summary>Suffix appended to a trainable's name to name its gradient output (default ".grad").</summary>
    public string GradientSuffix { get; init; } = ".grad";

    /// <summary>Remove forward nodes and initializers that no output of the training graph needs (default true).</summary>
    public bool RemoveDeadNodes { get; init; } = true;

    /// <summary>Deepest contraction one emitted weight GEMM gets (default 2048, 0: never split).</summary>
    /// <remarks>The input gradient dY · Wᵀ of a MatMul by a fixed weight W [K, N] contracts over N. When N is larger, the
    /// product is split into slices of at most this depth whose GEMMs accumulate through Gemm's C input: on the 2-core
    /// benchmark machine ONNX Runtime's CPU GEMM ran a [500, 3072]·[3072, 768] product ~25 % slower than two of depth 1536.</remarks>
    public int MaxGemmDepth { get; init; } = 2048;

    /// <summary>Receives notes about the built graph, such as a trainable whose gradient is identically zero.</summary>
    public Action<string>? OnNote { get; init; }
}
