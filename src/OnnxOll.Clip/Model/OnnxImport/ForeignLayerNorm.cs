using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>A LayerNorm of a foreign graph: one LayerNormalization node (opset 17) or the decomposed form older opsets
/// export (ReduceMean, Sub, Pow, ReduceMean, Add ε, Sqrt, Div, then Mul by the weight and Add of the bias).</summary>
/// <param name="Input">The normalised value.</param>
/// <param name="End">The result.</param>
/// <param name="WeightName">The weight's constant name.</param>
/// <param name="Weight">The weight.</param>
/// <param name="BiasName">The bias's constant name.</param>
/// <param name="Bias">The bias.</param>
internal sealed record ForeignLayerNorm(string Input, string End, string WeightName, float[] Weight, string BiasName, float[] Bias)
{
    /// <summary>Reads <paramref name="node"/> as the last node of a LayerNorm, or null.</summary>
    public static ForeignLayerNorm? TryRead(ForeignGraph graph, NodeProto node)
    {
        if (node.OpType == "LayerNormalization" && node.Input.Count >= 3 && graph.Floats(node.Input[1]) is { } w && graph.Floats(node.Input[2]) is { } b)
        {
            return new ForeignLayerNorm(node.Input[0], node.Output[0], node.Input[1], w, node.Input[2], b);
        }

        if (node.OpType != "Add" || !TryConstantOperand(graph, node, out string bias, out string scaled)
            || graph.Producer(scaled) is not { OpType: "Mul" } mul || !TryConstantOperand(graph, mul, out string weight, out string normalized)
            || graph.Producer(normalized) is not { OpType: "Div" } div || graph.Producer(div.Input[0]) is not { OpType: "Sub" } sub)
        {
            return null;
        }

        float[] weightData = graph.Floats(weight)!, biasData = graph.Floats(bias)!;
        return weightData.Length == biasData.Length && weightData.Length > 1
            ? new ForeignLayerNorm(sub.Input[0], node.Output[0], weight, weightData, bias, biasData)
            : null;
    }

    private static bool TryConstantOperand(ForeignGraph graph, NodeProto node, out string constant, out string other)
    {
        constant = other = "";
        if (node.Input.Count != 2)
        {
            return false;
        }

        int c = graph.Constant(node.Input[1]) is { Dims.Count: 1 } ? 1 : graph.Constant(node.Input[0]) is { Dims.Count: 1 } ? 0 : -1;
        if (c < 0)
        {
            return false;
        }

        constant = node.Input[c];
        other = node.Input[1 - c];
        return true;
    }
}
