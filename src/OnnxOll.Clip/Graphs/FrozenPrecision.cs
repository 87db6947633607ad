namespace OnnxOll.Clip.Graphs;

/// <summary>How the frozen linear weights of the towers are stored and multiplied.</summary>
public enum FrozenPrecision
{
    /// <summary>float32 weights and float32 MatMul/Gemm.</summary>
    Float32,

    /// <summary>int8 weights (symmetric, per output channel) and ONNX Runtime's DynamicQuantizeMatMul, forward and input gradient.</summary>
    Int8,
}
