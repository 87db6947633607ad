using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Facts;

/// <summary>Output dimensions of the operators that rearrange dimensions without moving data: Reshape, Flatten,
/// Unsqueeze and Squeeze.</summary>
internal static class ReshapeDims
{
    /// <summary>Reshape to a constant target: 0 copies the input's dimension (unless allowzero), -1 is inferred when sizes are fixed.</summary>
    public static Dim[]? Reshape(Dim[]? x, long[]? shape, bool allowZero)
    {
        if (shape is null)
        {
            return null;
        }

        var result = new Dim[shape.Length];
        int inferred = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                inferred = i;
                result[i] = ValueFacts.Unknown;
            }
            else if (shape[i] == 0 && !allowZero)
            {
                result[i] = x is not null && i < x.Length ? x[i] : ValueFacts.Unknown;
            }
            else
            {
                result[i] = shape[i];
            }
        }

        if (inferred >= 0 && x is not null && x.All(d => !d.IsSymbolic) && result.Where((_, i) => i != inferred).All(d => !d.IsSymbolic))
        {
            long total = x.Aggregate(1L, (p, d) => p * d.Value);
            long known = result.Where((_, i) => i != inferred).Aggregate(1L, (p, d) => p * d.Value);
            result[inferred] = known == 0 ? 0 : total / known;
        }

        return result;
    }

    /// <summary>Flatten: the dimensions before and from <paramref name="axis"/> multiplied into two.</summary>
    public static Dim[]? Flatten(Dim[]? x, long axis)
    {
        if (x is null)
        {
            return null;
        }

        int a = (int)(axis < 0 ? axis + x.Length : axis);
        return [Product(x[..a]), Product(x[a..])];
    }

    /// <summary>Unsqueeze: size-1 dimensions inserted at constant axes.</summary>
    public static Dim[]? Unsqueeze(Dim[]? x, long[]? axes)
    {
        if (x is null || axes is null)
        {
            return null;
        }

        int rank = x.Length + axes.Length;
        var set = axes.Select(a => a < 0 ? a + rank : a).ToHashSet();
        var result = new Dim[rank];
        int k = 0;
        for (int i = 0; i < rank; i++)
        {
            result[i] = set.Contains(i) ? 1 : x[k++];
        }

        return result;
    }

    /// <summary>Squeeze: the given axes removed, or every size-1 dimension when no axes are given.</summary>
    public static Dim[]? Squeeze(Dim[]? x, long[]? axes)
    {
        if (x is null)
        {
            return null;
        }

        if (axes is null)
        {
            return x.All(d => !d.IsSymbolic) ? x.Where(d => d.Value != 1).ToArray() : null;
        }

        var set = axes.Select(a => a < 0 ? a + x.Length : a).ToHashSet();
        return x.Where((_, i) => !set.Contains(i)).ToArray();
    }

    private static Dim Product(Dim[] dims) =>
        dims.All(d => !d.IsSymbolic) ? dims.Aggregate(1L, (p, d) => p * d.Value) : dims.Count(d => !ValueFacts.Is(d, 1)) == 1 ? dims.First(d => !ValueFacts.Is(d, 1)) : ValueFacts.Unknown;
}
