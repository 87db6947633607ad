using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Autodiff;

/// <summary>Reads values known when the graph is built: initializers and outputs of Constant nodes.</summary>
internal sealed class ConstantLookup
{
    private readonly Dictionary<string, TensorProto> tensors = new(StringComparer.Ordinal);

    public ConstantLookup(GraphProto graph, ISet<string> excluded)
    {
        foreach (var t in graph.Initializer.Where(t => !excluded.Contains(t.Name)))
        {
            tensors[t.Name] = t;
        }

        foreach (var n in graph.Node.Where(n => n.OpType == "Constant" && n.Domain.Length == 0))
        {
            if (ConstantTensor(n) is { } value)
            {
                tensors[n.Output[0]] = value;
            }
        }
    }

    /// <summary>The tensor behind a constant value, or null when the value is not constant.</summary>
    public TensorProto? Tensor(string name) =>
        name.Length > 0 && tensors.TryGetValue(name, out var t) && t.DataLocation != TensorProto.Types.DataLocation.External ? t : null;

    /// <summary>The integer values of a constant int64/int32 tensor, or null.</summary>
    public long[]? Int64s(string name)
    {
        var t = Tensor(name);
        return (TensorProto.Types.DataType?)t?.DataType switch
        {
            TensorProto.Types.DataType.Int64 => Tensors.ToArray<long>(t!),
            TensorProto.Types.DataType.Int32 => Tensors.ToArray<int>(t!).Select(v => (long)v).ToArray(),
            _ => null,
        };
    }

    /// <summary>The values of a constant float/double tensor as doubles, or null.</summary>
    public double[]? Doubles(string name)
    {
        var t = Tensor(name);
        return (TensorProto.Types.DataType?)t?.DataType switch
        {
            TensorProto.Types.DataType.Float => Tensors.ToArray<float>(t!).Select(v => (double)v).ToArray(),
            TensorProto.Types.DataType.Double => Tensors.ToArray<double>(t!),
            _ => null,
        };
    }

    /// <summary>The boolean value of a constant scalar bool tensor, or null.</summary>
    public bool? Bool(string name)
    {
        var t = Tensor(name);
        if (t is null || (TensorProto.Types.DataType)t.DataType != TensorProto.Types.DataType.Bool)
        {
            return null;
        }

        return t.HasRawData ? t.RawData.Span[0] != 0 : t.Int32Data.Count > 0 && t.Int32Data[0] != 0;
    }

    /// <summary>The tensor a Constant node produces (value, value_int(s), value_float(s)), or null.</summary>
    public static TensorProto? ConstantTensor(NodeProto n)
    {
        var a = n.Attribute.FirstOrDefault();
        return a?.Name switch
        {
            "value" => a.T,
            "value_int" => Tensors.Create<long>("value", [a.I], []),
            "value_ints" => Tensors.Create<long>("value", a.Ints.ToArray(), [a.Ints.Count]),
            "value_float" => Tensors.Create<float>("value", [a.F], []),
            "value_floats" => Tensors.Create<float>("value", a.Floats.ToArray(), [a.Floats.Count]),
            _ => null,
        };
    }
}
