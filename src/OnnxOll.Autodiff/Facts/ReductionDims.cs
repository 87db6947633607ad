using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Facts;

/// <summary>Output dimensions of reductions (Reduce*, ArgMax, ArgMin): reduced axes kept as 1 or dropped.</summary>
internal static class ReductionDims
{
    /// <summary>The dimensions after reducing <paramref name="axes"/>; null when the rank or the axes are unknown.</summary>
    public static Dim[]? Of(Dim[]? x, long[]? axes, bool dynamicAxes, bool keepDims, bool noopWithEmpty)
    {
        if (x is null || axes is null || dynamicAxes)
        {
            return null;
        }

        if (axes.Length == 0)
        {
            return noopWithEmpty ? x : keepDims ? x.Select(_ => (Dim)1).ToArray() : [];
        }

        var set = axes.Select(a => a < 0 ? a + x.Length : a).ToHashSet();
        return keepDims ? x.Select((d, i) => set.Contains(i) ? (Dim)1 : d).ToArray() : x.Where((_, i) => !set.Contains(i)).ToArray();
    }
}
