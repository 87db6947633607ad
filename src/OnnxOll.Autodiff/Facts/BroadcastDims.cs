using OnnxOll.Onnx.Graph;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Facts;

/// <summary>Numpy-style broadcasting of dimensions (elementwise operators, Where, Expand).</summary>
internal static class BroadcastDims
{
    /// <summary>The broadcast dimensions of several inputs, or null when any rank is unknown.</summary>
    public static Dim[]? Of(IEnumerable<ValueFacts?> inputs)
    {
        var list = inputs.ToList();
        if (list.Any(f => f?.Dims is null))
        {
            return null;
        }

        int rank = list.Max(f => f!.Dims!.Length);
        var result = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            Dim? acc = null;
            foreach (var f in list)
            {
                int j = i - (rank - f!.Dims!.Length);
                if (j < 0)
                {
                    continue;
                }

                var d = f.Dims[j];
                acc = acc is null || ValueFacts.Is(acc.Value, 1) ? d
                    : ValueFacts.Is(d, 1) || ValueFacts.SameDim(acc.Value, d) ? acc
                    : !d.IsSymbolic && d.Value > 1 ? d
                    : !acc.Value.IsSymbolic ? acc
                    : ValueFacts.Unknown;
            }

            result[i] = acc ?? 1;
        }

        return result;
    }

    /// <summary>Expand: the input broadcast against the target shape.</summary>
    public static Dim[]? Expand(Dim[]? x, Dim[]? shape) =>
        x is null || shape is null ? null : Of([new ValueFacts(DataType.Float, x), new ValueFacts(DataType.Float, shape)]);
}
