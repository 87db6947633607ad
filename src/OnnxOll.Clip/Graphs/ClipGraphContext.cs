using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Graphs;

/// <summary>State shared while emitting CLIP nodes into one graph: frozen weights as initializers (or, for full-parameter training, every
/// weight as an input), PET tensors as inputs.</summary>
internal sealed class ClipGraphContext(GraphBuilder graph, IClipWeightSource weights, ClipPrecision precision, PetLayout? pet, bool training)
{
    private readonly Dictionary<string, string> weightValues = new(StringComparer.Ordinal);
    private readonly HashSet<string> petInputs = new(StringComparer.Ordinal);
    private int constants;

    public GraphBuilder G { get; } = graph;

    public ClipConfig Config => weights.Config;

    public PetLayout? Pet { get; } = pet;

    /// <summary>True in training graphs: adapter dropout is active.</summary>
    public bool Training { get; } = training;

    /// <summary>True when the graph will be differentiated: float32 activations then use fused operators whose gradient rules
    /// recompute what they need (fewer tensors kept for backward).</summary>
    public bool Differentiated { get; init; }

    public TensorProto.Types.DataType Type { get; } =
        precision == ClipPrecision.Float64 ? TensorProto.Types.DataType.Double : TensorProto.Types.DataType.Float;

    public bool IsDouble => Type == TensorProto.Types.DataType.Double;

    /// <summary>The weight <paramref name="name"/> in the compute type: a frozen external initializer (cast up in float64 graphs),
    /// or a graph input of the compute type when the weights are trainable.</summary>
    public string Weight(string name)
    {
        if (!weightValues.TryGetValue(name, out var value))
        {
            if (weights is FrozenWeights frozen)
            {
                G.Initializer(frozen.Reference(name));
                value = IsDouble ? Cast(name, TensorProto.Types.DataType.Double) : name;
            }
            else
            {
                value = G.Input(name, Type, weights.Shape(name).Select(d => (Dim)d).ToArray());
            }

            weightValues[name] = value;
        }

        return value;
    }

    /// <summary>The int8 initializer and per-column scales of frozen linear weight <paramref name="name"/>, or null when the graph
    /// multiplies by it in float (float32 weights, or a float64 graph).</summary>
    public (string Weight, string Scale)? Quantized(string name)
    {
        if (IsDouble || weights is not FrozenWeights { Int8: { } int8 } || !int8.Contains(name))
        {
            return null;
        }

        string q = name + QuantizedWeights.WeightSuffix, scale = name + QuantizedWeights.ScaleSuffix;
        if (weightValues.TryAdd(q, q))
        {
            G.Initializer(int8.Reference(q));
            G.Initializer(int8.Reference(scale));
        }

        return (q, scale);
    }

    /// <summary>The weights declared as graph inputs so far (full-parameter training), in declaration order.</summary>
    public IReadOnlyList<string> WeightInputs =>
        weights is FrozenWeights ? [] : G.Graph.Input.Select(i => i.Name).Where(weightValues.ContainsKey).ToArray();

    /// <summary>The shape of the stored tensor <paramref name="name"/>.</summary>
    public long[] WeightShape(string name) => weights.Shape(name);

    /// <summary>The PET tensor <paramref name="name"/>, declared as a graph input on first use.</summary>
    public string PetInput(string name)
    {
        if (petInputs.Add(name))
        {
            var info = Pet!.Tensors.First(t => t.Name == name);
            G.Input(name, Type, info.Shape.Select(d => (Dim)d).ToArray());
        }

        return name;
    }

    /// <summary>The PET tensors declared so far, in declaration order.</summary>
    public IReadOnlyList<string> PetInputs => G.Graph.Input.Select(i => i.Name).Where(petInputs.Contains).ToArray();

    /// <summary>Declares the element type and shape of an intermediate value (so shape facts survive ops like Expand or Range) and returns it.</summary>
    public string Declare(string value, TensorProto.Types.DataType type, params Dim[] dims)
    {
        G.Graph.ValueInfo.Add(GraphBuilder.ValueInfo(value, type, dims));
        return value;
    }

    /// <summary>A scalar constant of the compute type.</summary>
    public string Scalar(double value) =>
        IsDouble ? Constant<double>("scalar", [value]) : Constant<float>("scalar", [(float)value]);

    /// <summary>A 1-D int64 constant (shapes, axes, split sizes).</summary>
    public string Ints(params long[] values) => Constant<long>("ints", values, values.Length);

    /// <summary>A scalar int64 constant.</summary>
    public string Int(long value) => Constant<long>("int", [value]);

    /// <summary>An inline constant initializer under a fresh name.</summary>
    /// <remarks>Names come from a private counter under <c>const/</c>: GraphBuilder.UniqueName reserves what it returns, so Initializer(UniqueName(..)) would be rejected.</remarks>
    public string Constant<T>(string hint, ReadOnlySpan<T> data, params long[] dims) where T : unmanaged
    {
        return G.Initializer($"const/{hint}_{constants++}", data, dims);
    }

    public string Cast(string value, TensorProto.Types.DataType to) =>
        G.Op("Cast", [value], Attr.Int("to", (long)to));
}
