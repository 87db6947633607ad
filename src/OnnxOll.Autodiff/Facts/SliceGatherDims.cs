using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Autodiff.Facts;

/// <summary>Output dimensions of the indexing operators Slice and Gather.</summary>
internal static class SliceGatherDims
{
    /// <summary>Slice with constant starts, ends, axes and steps; null when any of them is not constant.</summary>
    public static Dim[]? Slice(NodeProto n, Dim[]? x, ConstantLookup constants)
    {
        if (x is null)
        {
            return null;
        }

        var result = (Dim[])x.Clone();
        var starts = constants.Int64s(n.Input[1]);
        var ends = constants.Int64s(n.Input[2]);
        var axes = n.Input.Count > 3 && n.Input[3].Length > 0 ? constants.Int64s(n.Input[3]) : starts is null ? null : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        var steps = n.Input.Count > 4 && n.Input[4].Length > 0 ? constants.Int64s(n.Input[4]) : starts?.Select(_ => 1L).ToArray();
        if (starts is null || ends is null || axes is null || steps is null)
        {
            return null;
        }

        for (int i = 0; i < axes.Length; i++)
        {
            int a = (int)(axes[i] < 0 ? axes[i] + x.Length : axes[i]);
            result[a] = SliceRange.Of(x[a], starts[i], ends[i], steps[i]) is { } r ? r.Count : ValueFacts.Unknown;
        }

        return result;
    }

    /// <summary>Gather: the data's axis replaced by the indices' dimensions.</summary>
    public static Dim[]? Gather(Dim[]? data, Dim[]? indices, long axis)
    {
        if (data is null || indices is null)
        {
            return null;
        }

        int a = (int)(axis < 0 ? axis + data.Length : axis);
        return [.. data[..a], .. indices, .. data[(a + 1)..]];
    }
}
