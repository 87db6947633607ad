using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Autodiff;

/// <summary>What is statically known about a value: its element type and its dimensions (each fixed, symbolic or unknown).</summary>
/// <remarks>A null <see cref="Dims"/> means the rank is unknown; a <see cref="Dim"/> of -1 without a name is an unknown size.</remarks>
public sealed record ValueFacts(TensorProto.Types.DataType Type, Dim[]? Dims)
{
    /// <summary>The rank, or null when unknown.</summary>
    public int? Rank => Dims?.Length;

    /// <summary>All dimensions as fixed sizes, or null when any is symbolic or unknown.</summary>
    public long[]? StaticDims => Dims is not null && Dims.All(d => !d.IsSymbolic) ? Dims.Select(d => d.Value).ToArray() : null;

    /// <summary>True when two dimensions are provably equal (same fixed size or same symbol).</summary>
    public static bool SameDim(Dim a, Dim b) =>
        (!a.IsSymbolic && !b.IsSymbolic && a.Value == b.Value) || (a.Param is not null && a.Param == b.Param);

    /// <summary>True when the dimension is the fixed size <paramref name="size"/>.</summary>
    public static bool Is(Dim d, long size) => !d.IsSymbolic && d.Value == size;

    /// <summary>An unknown dimension.</summary>
    public static Dim Unknown => new(-1, null);
}
