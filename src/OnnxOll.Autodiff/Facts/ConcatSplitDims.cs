using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Autodiff.Facts;

/// <summary>Facts of joining and cutting along one axis: Concat's output and Split's outputs.</summary>
internal static class ConcatSplitDims
{
    /// <summary>Concat: the first input's dimensions with the axis summed (unknown when any size along it is not fixed).</summary>
    public static Dim[]? Concat(List<ValueFacts?> inputs, long axis)
    {
        if (inputs.Any(f => f?.Dims is null))
        {
            return null;
        }

        var first = inputs[0]!.Dims!;
        int a = (int)(axis < 0 ? axis + first.Length : axis);
        var result = (Dim[])first.Clone();
        var along = inputs.Select(f => f!.Dims![a]).ToList();
        result[a] = along.All(d => !d.IsSymbolic) ? along.Sum(d => d.Value) : ValueFacts.Unknown;
        return result;
    }

    /// <summary>Split: one fact per output, sized by the constant split input or by equal chunks of a fixed axis.</summary>
    public static ValueFacts?[] Split(NodeProto n, ValueFacts? x, ConstantLookup constants)
    {
        if (x?.Dims is null)
        {
            return [];
        }

        long axisAttr = n.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0;
        int axis = (int)(axisAttr < 0 ? axisAttr + x.Dims.Length : axisAttr);
        long[]? split = n.Input.Count > 1 && n.Input[1].Length > 0 ? constants.Int64s(n.Input[1]) : null;
        int count = n.Output.Count;
        if (split is null && !x.Dims[axis].IsSymbolic)
        {
            long total = x.Dims[axis].Value;
            long chunk = (total + count - 1) / count;
            split = Enumerable.Range(0, count).Select(i => Math.Min(chunk, Math.Max(0, total - (i * chunk)))).ToArray();
        }

        return Enumerable.Range(0, count).Select(i =>
        {
            var dims = (Dim[])x.Dims.Clone();
            dims[axis] = split is null ? ValueFacts.Unknown : split[i];
            return (ValueFacts?)new ValueFacts(x.Type, dims);
        }).ToArray();
    }
}
