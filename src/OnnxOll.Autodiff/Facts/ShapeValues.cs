using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Autodiff.Facts;

/// <summary>Int64 tensors that describe shapes: what a Shape node returns and what a shape-valued input
/// (Reshape, Expand, ConstantOfShape) stands for.</summary>
internal static class ShapeValues
{
    /// <summary>The dimensions a Shape node returns (its start/end attributes, clamped like ONNX).</summary>
    public static Range Range(NodeProto shape, int rank)
    {
        long start = shape.Attribute.FirstOrDefault(a => a.Name == "start")?.I ?? 0;
        long end = shape.Attribute.FirstOrDefault(a => a.Name == "end")?.I ?? rank;
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        return (int)start..(int)Math.Max(start, end);
    }

    /// <summary>The dimensions a shape-valued input stands for: a constant, or Shape(v) of a value whose dims are known;
    /// otherwise unknown sizes of the known length.</summary>
    public static Dim[]? Dims(string name, Dictionary<string, ValueFacts> facts, ConstantLookup constants, Dictionary<string, NodeProto> producers)
    {
        if (constants.Int64s(name) is { } values)
        {
            return [.. values.Select(v => (Dim)v)];
        }

        if (producers.TryGetValue(name, out var p) && p.OpType == "Shape" && facts.GetValueOrDefault(p.Input[0])?.Dims is { } dims)
        {
            return dims[Range(p, dims.Length)];
        }

        if (p is { OpType: "Concat" } && p.Input.Select(i => Dims(i, facts, constants, producers)).ToList() is var pieces && pieces.All(x => x is not null))
        {
            return [.. pieces.SelectMany(x => x!)];
        }

        return facts.GetValueOrDefault(name)?.StaticDims is [var length] ? [.. Enumerable.Repeat(ValueFacts.Unknown, (int)length)] : null;
    }
}
