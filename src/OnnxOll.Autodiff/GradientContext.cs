using Google.Protobuf;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff;

/// <summary>The vocabulary a gradient rule speaks: the forward node's inputs, outputs and attributes, incoming
/// gradients, which input gradients are needed, and helpers that emit backward nodes.</summary>
public sealed class GradientContext
{
    private readonly BackwardPass pass;
    private readonly string?[] outputGradients;

    internal GradientContext(BackwardPass pass, NodeProto node, string?[] outputGradients)
    {
        this.pass = pass;
        Node = node;
        this.outputGradients = outputGradients;
    }

    /// <summary>The forward node being differentiated.</summary>
    public NodeProto Node { get; }

    /// <summary>The builder backward nodes are added with (scoped to this node).</summary>
    public GraphBuilder Builder => pass.Builder;

    /// <summary>The number of inputs of the forward node (including empty optional ones).</summary>
    public int InputCount => Node.Input.Count;

    /// <summary>Forward input <paramref name="i"/>, or "" when absent.</summary>
    public string Input(int i) => i < Node.Input.Count ? Node.Input[i] : "";

    /// <summary>True when forward input <paramref name="i"/> is present.</summary>
    public bool HasInput(int i) => Input(i).Length > 0;

    /// <summary>Forward output <paramref name="i"/>; throws when the node does not produce it.</summary>
    public string Output(int i) =>
        i < Node.Output.Count && Node.Output[i].Length > 0 ? Node.Output[i] : throw new InvalidOperationException($"Node '{Node.Name}' ({Node.OpType}) has no output {i}.");

    /// <summary>Forward output <paramref name="i"/>, adding it to the forward node when the optional output is absent.</summary>
    public string EnsureOutput(int i, ValueFacts facts)
    {
        while (Node.Output.Count <= i)
        {
            Node.Output.Add("");
        }

        if (Node.Output[i].Length == 0)
        {
            Node.Output[i] = Builder.UniqueName($"{Node.Name}_out{i}");
            pass.Record(Node.Output[i], facts);
        }

        return Node.Output[i];
    }

    /// <summary>The incoming gradient of forward output <paramref name="i"/>, or null when nothing downstream needs it.</summary>
    public string? OutputGradient(int i) => i < outputGradients.Length ? outputGradients[i] : null;

    /// <summary>True when the gradient of forward input <paramref name="i"/> leads to a trainable.</summary>
    public bool IsGradientNeeded(int i) => HasInput(i) && pass.Differentiable.Contains(Input(i));

    /// <summary>Adds <paramref name="gradient"/> (shaped like input <paramref name="i"/>) to that input's gradient, when needed.</summary>
    public void SetGradient(int i, string gradient)
    {
        if (IsGradientNeeded(i))
        {
            pass.Record(gradient, Facts(Input(i)));
            pass.Contribute(Input(i), gradient);
        }
    }

    /// <summary>An integer attribute, or <paramref name="fallback"/>.</summary>
    public long Attribute(string name, long fallback) => Node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;

    /// <summary>A float attribute, or <paramref name="fallback"/>.</summary>
    public float Attribute(string name, float fallback) => Node.Attribute.FirstOrDefault(a => a.Name == name)?.F ?? fallback;

    /// <summary>A string attribute, or <paramref name="fallback"/>.</summary>
    public string Attribute(string name, string fallback) => Node.Attribute.FirstOrDefault(a => a.Name == name)?.S.ToStringUtf8() ?? fallback;

    /// <summary>An integer-list attribute, or null.</summary>
    public long[]? Ints(string name) => Node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray();

    /// <summary>The element type and (possibly symbolic) shape of a value.</summary>
    public ValueFacts Facts(string value) => pass.Facts(value);

    /// <summary>The element type of a value.</summary>
    public DataType TypeOf(string value) => pass.Facts(value).Type;

    /// <summary>The rank of a value, or null when unknown.</summary>
    public int? RankOf(string value) => pass.TryFacts(value)?.Rank;

    /// <summary>The rank of a value; throws NotSupportedException naming the node when unknown.</summary>
    public int RequireRank(string value) =>
        RankOf(value) ?? throw Unsupported($"the rank of '{value}' is unknown");

    /// <summary>The values of an int64 constant input, or null when it is computed at run time.</summary>
    public long[]? ConstantInt64s(string value) => pass.Constants.Int64s(value);

    /// <summary>The values of a float/double constant input, or null when it is computed at run time.</summary>
    public double[]? ConstantDoubles(string value) => pass.Constants.Doubles(value);

    /// <summary>The value of a constant bool input, or null.</summary>
    public bool? ConstantBool(string value) => pass.Constants.Bool(value);

    /// <summary>Records what is known about an emitted value so later helpers can use it.</summary>
    public string Known(string value, ValueFacts facts)
    {
        pass.Record(value, facts);
        return value;
    }

    /// <summary>Emits a node with one output.</summary>
    public string Op(string opType, params string[] inputs) => Builder.Op(opType, inputs);

    /// <summary>Emits a node with attributes and one output.</summary>
    public string Op(string opType, string[] inputs, params AttributeProto[] attributes) => Builder.Op(opType, inputs, attributes);

    /// <summary>Emits a node with several outputs.</summary>
    public string[] Op(string opType, string[] inputs, int outputCount, params AttributeProto[] attributes) =>
        Builder.Op(opType, inputs, outputCount, attributes);

    /// <summary>A scalar constant with the element type of <paramref name="like"/> (shared between rules).</summary>
    public string Scalar(double value, string like) => pass.Scalar(value, TypeOf(like));

    /// <summary>A 1-D int64 constant (shared between rules).</summary>
    public string Int64s(params long[] values) => pass.Int64s(values);

    /// <summary>The shape of a value as a 1-D int64 tensor: a constant when fixed, else a Shape node.</summary>
    public string ShapeOf(string value) => pass.ShapeOf(value);

    /// <summary>Deepest contraction one weight GEMM should get (<see cref="GradientOptions.MaxGemmDepth"/>; 0: no limit).</summary>
    public int MaxGemmDepth => pass.MaxGemmDepth;

    /// <summary>Zeros with the type and shape of <paramref name="like"/>.</summary>
    public string Zeros(string like) => pass.Zeros(like);

    /// <summary>Sums <paramref name="gradient"/> (of shape <paramref name="gradientDims"/>) over the axes <paramref name="target"/>
    /// was broadcast along, giving <paramref name="target"/>'s shape; static when the shapes allow, else computed at run time.</summary>
    public string ReduceToShape(string gradient, Dim[]? gradientDims, string target)
    {
        var t = Facts(target).Dims;
        if (gradientDims is not null && t is not null && BroadcastAxes(gradientDims, t) is { } axes)
        {
            if (axes.Count == 0)
            {
                return gradient;
            }

            int lead = gradientDims.Length - t.Length;
            // dT = Σ_{broadcast axes} dG
            string reduced = Op("ReduceSum", [gradient, Int64s([.. axes])], Attr.Int("keepdims", 1));
            return lead == 0 ? reduced : Op("Squeeze", reduced, Int64s([.. Enumerable.Range(0, lead).Select(i => (long)i)]));
        }

        // Run-time fallback: reduce every axis where the left-padded target shape is 1, then reshape to the target's shape.
        string gShape = Op("Shape", gradient);
        string tShape = ShapeOf(target);
        string pad = Op("ConstantOfShape", [Op("Reshape", Op("Sub", Op("Size", gShape), Op("Size", tShape)), Int64s(1))], Attr.Tensor("value", Tensors.Create<long>("value", [1L], [1])));
        string padded = Op("Concat", [pad, tShape], Attr.Int("axis", 0));
        string ones = Op("Reshape", Op("NonZero", Op("Equal", padded, Int64s(1))), Int64s(-1));
        string summed = Op("ReduceSum", [gradient, ones], Attr.Int("keepdims", 1), Attr.Int("noop_with_empty_axes", 1));
        return Op("Reshape", summed, tShape);
    }

    /// <summary>Reduces a gradient shaped like the forward value <paramref name="shapedLike"/> to the shape of <paramref name="target"/>.</summary>
    public string ReduceToShape(string gradient, string shapedLike, string target) =>
        ReduceToShape(gradient, pass.TryFacts(shapedLike)?.Dims, target);

    /// <summary>A NotSupportedException naming this node and its op.</summary>
    public NotSupportedException Unsupported(string why) =>
        new($"Node '{Node.Name}' ({Node.OpType}): no gradient because {why}.");

    /// <summary>Axes to sum over, or null when fixed/symbolic sizes cannot decide it.</summary>
    private static List<long>? BroadcastAxes(Dim[] g, Dim[] t)
    {
        int lead = g.Length - t.Length;
        if (lead < 0)
        {
            return null;
        }

        var axes = Enumerable.Range(0, lead).Select(i => (long)i).ToList();
        for (int i = 0; i < t.Length; i++)
        {
            Dim gd = g[lead + i], td = t[i];
            if (ValueFacts.Is(td, 1))
            {
                if (!ValueFacts.Is(gd, 1))
                {
                    axes.Add(lead + i);
                }
            }
            else if (!(ValueFacts.SameDim(gd, td) || ValueFacts.Is(gd, 1) || (!td.IsSymbolic && gd.IsSymbolic)))
            {
                return null;
            }
        }

        return axes;
    }
}
