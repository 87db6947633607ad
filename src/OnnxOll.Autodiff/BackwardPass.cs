using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff;

/// <summary>State shared by all rules while one backward graph is emitted: facts, constants, caches and gradient sums.</summary>
internal sealed class BackwardPass(GraphBuilder builder, Dictionary<string, ValueFacts> facts, ConstantLookup constants, HashSet<string> differentiable)
{
    private readonly Dictionary<string, List<string>> contributions = new(StringComparer.Ordinal);
    private readonly Dictionary<(DataType, double), string> scalars = [];
    private readonly Dictionary<string, string> int64Constants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> shapes = new(StringComparer.Ordinal);

    public GraphBuilder Builder { get; } = builder;

    public ConstantLookup Constants { get; } = constants;

    public HashSet<string> Differentiable { get; } = differentiable;

    /// <summary>See <see cref="GradientOptions.MaxGemmDepth"/>.</summary>
    public int MaxGemmDepth { get; init; }

    public ValueFacts Facts(string value) =>
        facts.TryGetValue(value, out var f) ? f : throw new InvalidOperationException($"No type is known for value '{value}'.");

    public ValueFacts? TryFacts(string value) => facts.GetValueOrDefault(value);

    public void Record(string value, ValueFacts f) => facts[value] = f;

    public void Contribute(string value, string gradient)
    {
        if (!contributions.TryGetValue(value, out var list))
        {
            contributions[value] = list = [];
        }

        list.Add(gradient);
    }

    /// <summary>The total gradient of <paramref name="value"/> (one Sum when several consumers contributed), or null.</summary>
    public string? Total(string value)
    {
        if (!contributions.TryGetValue(value, out var list) || list.Count == 0)
        {
            return null;
        }

        if (list.Count > 1)
        {
            // d value = Σ over consumers
            string sum = list.Count == 2 ? Builder.Op("Add", list[0], list[1]) : Builder.Op("Sum", [.. list]);
            Record(sum, Facts(value));
            list.Clear();
            list.Add(sum);
        }

        return list[0];
    }

    public string Scalar(double value, DataType type)
    {
        if (!scalars.TryGetValue((type, value), out var name))
        {
            name = Builder.Scalar(value, type);
            scalars[(type, value)] = name;
            facts[name] = new ValueFacts(type, []);
        }

        return name;
    }

    public string Int64s(long[] values)
    {
        string key = string.Join(",", values);
        if (!int64Constants.TryGetValue(key, out var name))
        {
            name = Builder.ConstInt64(values);
            int64Constants[key] = name;
            facts[name] = new ValueFacts(DataType.Int64, [values.Length]);
        }

        return name;
    }

    public string ShapeOf(string value)
    {
        if (shapes.TryGetValue(value, out var name))
        {
            return name;
        }

        var f = TryFacts(value);
        name = f?.StaticDims is { } dims ? Int64s(dims) : Builder.Op("Shape", value);
        facts[name] = new ValueFacts(DataType.Int64, [f?.Rank is { } r ? r : ValueFacts.Unknown]);
        shapes[value] = name;
        return name;
    }

    /// <summary>Zeros with the type and shape of <paramref name="like"/>.</summary>
    public string Zeros(string like)
    {
        var f = Facts(like);
        var zero = f.Type switch
        {
            DataType.Double => Tensors.Create<double>("value", [0.0], [1]),
            DataType.Float => Tensors.Create<float>("value", [0f], [1]),
            DataType.Float16 => Tensors.Create<Half>("value", [Half.Zero], [1]),
            _ => throw new NotSupportedException($"Zero gradients of type {f.Type} are not supported."),
        };
        string name = Builder.Op("ConstantOfShape", [ShapeOf(like)], Attr.Tensor("value", zero));
        Record(name, f);
        return name;
    }
}
