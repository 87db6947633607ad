using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>One product of a foreign graph by a constant weight (a linear layer): MatMul, Gemm, or the int8 pattern
/// onnxruntime's dynamic quantization writes (DynamicQuantizeLinear, MatMulInteger, Cast, Mul by the scales), with its bias.</summary>
/// <param name="Product">The MatMul, Gemm or MatMulInteger node.</param>
/// <param name="Input">The float activation it multiplies (before any dynamic quantization).</param>
/// <param name="End">The float result after the bias (or the product when there is none).</param>
/// <param name="WeightName">The weight's initializer name.</param>
/// <param name="Weight">The weight as float32 [in, out] (int8 weights dequantized: (q - zero point) · scale).</param>
/// <param name="In">Input features.</param>
/// <param name="Out">Output features.</param>
/// <param name="BiasName">The bias constant's name, or null.</param>
/// <param name="Bias">The bias [out], or null.</param>
/// <param name="Quantized">The weight is stored as int8 or uint8.</param>
internal sealed record ForeignLinear(
    NodeProto Product, string Input, string End, string WeightName, float[] Weight, long In, long Out, string? BiasName, float[]? Bias, bool Quantized)
{
    /// <summary>The weight as stored when it is symmetric int8 (zero points 0): OnnxOll's int8 layout, kept as it is.</summary>
    public ClipInt8Weight? Int8 { get; init; }

    /// <summary>Reads <paramref name="node"/> as a linear layer, or null when it is not a product by a constant 2-D weight.</summary>
    public static ForeignLinear? TryRead(ForeignGraph graph, NodeProto node)
    {
        if (node.Input.Count < 2)
        {
            return null;
        }

        switch (node.OpType)
        {
            case "MatMul" when graph.Constant(node.Input[1]) is { Dims.Count: 2 } w && ForeignGraph.ToFloats(w) is { } data:
                return WithBias(graph, node, node.Input[0], node.Output[0], node.Input[1], data, w.Dims[0], w.Dims[1], false);
            case "Gemm" when graph.Constant(node.Input[1]) is { Dims.Count: 2 } w && ForeignGraph.ToFloats(w) is { } data:
                return Gemm(graph, node, w, data);
            case "MatMulInteger" when graph.Constant(node.Input[1]) is { Dims.Count: 2 } w:
                return Integer(graph, node, w);
            default:
                return null;
        }
    }

    private static ForeignLinear? Gemm(ForeignGraph graph, NodeProto node, TensorProto w, float[] data)
    {
        bool transA = node.Attribute.Any(a => a.Name == "transA" && a.I != 0);
        bool transB = node.Attribute.Any(a => a.Name == "transB" && a.I != 0);
        float alpha = node.Attribute.FirstOrDefault(a => a.Name == "alpha")?.F ?? 1f;
        if (transA || alpha != 1f)
        {
            return null;
        }

        long rows = w.Dims[0], cols = w.Dims[1];
        float[] weight = transB ? Transpose(data, rows, cols) : data;
        var (inF, outF) = transB ? (cols, rows) : (rows, cols);
        float[]? bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? graph.Floats(node.Input[2]) : null;
        return bias is null || bias.Length == outF
            ? new ForeignLinear(node, node.Input[0], node.Output[0], w.Name, weight, inF, outF, bias is null ? null : node.Input[2], bias, false)
            : null;
    }

    private static ForeignLinear? Integer(ForeignGraph graph, NodeProto node, TensorProto w)
    {
        var type = (TensorProto.Types.DataType)w.DataType;
        float[] q = type switch
        {
            TensorProto.Types.DataType.Int8 => [.. Tensors.ToArray<sbyte>(w).Select(v => (float)v)],
            TensorProto.Types.DataType.Uint8 => [.. Tensors.ToArray<byte>(w).Select(v => (float)v)],
            _ => [],
        };
        var cast = graph.Consumers(node.Output[0]).SingleOrDefault();
        var scaleMul = cast is { OpType: "Cast" } ? graph.Consumers(cast.Output[0]).SingleOrDefault() : null;
        string? scaled = scaleMul is { OpType: "Mul" } ? scaleMul.Input.FirstOrDefault(i => i != cast!.Output[0]) : null;
        float[]? scale = scaled is null ? null : graph.Floats(scaled) ?? WeightScale(graph, scaled);
        var dynamicQuantize = graph.Producer(node.Input[0]);
        if (q.Length == 0 || scale is null || dynamicQuantize is not { OpType: "DynamicQuantizeLinear" })
        {
            return null;
        }

        long rows = w.Dims[0], cols = w.Dims[1];
        float[] zero = node.Input.Count > 3 && node.Input[3].Length > 0 && graph.Constant(node.Input[3]) is { } z
            ? ZeroPoints(z) : [0f];
        if ((scale.Length != 1 && scale.Length != cols) || (zero.Length != 1 && zero.Length != cols))
        {
            return null;
        }

        var weight = new float[q.Length];
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < cols; c++)
            {
                long i = (r * cols) + c;
                weight[i] = (q[i] - zero[zero.Length == 1 ? 0 : c]) * scale[scale.Length == 1 ? 0 : c];
            }
        }

        var linear = WithBias(graph, node, dynamicQuantize.Input[0], scaleMul!.Output[0], w.Name, weight, rows, cols, true);
        return type == TensorProto.Types.DataType.Int8 && zero.All(z => z == 0)
            ? linear with { Int8 = new ClipInt8Weight(Tensors.ToArray<sbyte>(w), [.. Enumerable.Range(0, (int)cols).Select(c => scale[scale.Length == 1 ? 0 : c])]) }
            : linear;
    }

    // The weight's scale inside Mul(activation scale, weight scale).
    private static float[]? WeightScale(ForeignGraph graph, string scaled) =>
        graph.Producer(scaled) is { OpType: "Mul" } m ? m.Input.Select(graph.Floats).FirstOrDefault(f => f is not null) : null;

    private static float[] ZeroPoints(TensorProto z) => (TensorProto.Types.DataType)z.DataType switch
    {
        TensorProto.Types.DataType.Int8 => [.. Tensors.ToArray<sbyte>(z).Select(v => (float)v)],
        TensorProto.Types.DataType.Uint8 => [.. Tensors.ToArray<byte>(z).Select(v => (float)v)],
        _ => [float.NaN],
    };

    private static ForeignLinear WithBias(
        ForeignGraph graph, NodeProto node, string input, string product, string weightName, float[] weight, long inF, long outF, bool quantized)
    {
        if (graph.Consumers(product) is [{ OpType: "Add" } add])
        {
            string other = add.Input[0] == product ? add.Input[1] : add.Input[0];
            if (graph.Floats(other) is { } bias && bias.Length == outF)
            {
                return new ForeignLinear(node, input, add.Output[0], weightName, weight, inF, outF, other, bias, quantized);
            }
        }

        return new ForeignLinear(node, input, product, weightName, weight, inF, outF, null, null, quantized);
    }

    /// <summary>The weight transposed to Hugging Face's [out, in].</summary>
    public float[] WeightOutIn() => Transpose(Weight, In, Out);

    private static float[] Transpose(float[] data, long rows, long cols)
    {
        var t = new float[data.Length];
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < cols; c++)
            {
                t[(c * rows) + r] = data[(r * cols) + c];
            }
        }

        return t;
    }
}
