namespace OnnxOll.Clip.Graphs;

/// <summary>The element type a CLIP graph computes in.</summary>
public enum ClipPrecision
{
    /// <summary>float32: the production graphs.</summary>
    Float32,

    /// <summary>float64: frozen weights are cast up; for finite-difference checks (exact gelu's Erf still runs in float32).</summary>
    Float64,
}
