using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Checking;

/// <summary>The float definition of a quantized model: every <c>com.microsoft</c> DynamicQuantizeMatMul becomes
/// A · (float(B) ⊙ b_scale) (+ bias), what its gradient rule differentiates.</summary>
public static class DequantizedReference
{
    /// <summary>A copy of <paramref name="model"/> with the quantized products replaced by their dequantized float products.</summary>
    public static ModelProto Of(ModelProto model)
    {
        var copy = model.Clone();
        var g = GraphBuilder.Wrap(copy);
        var nodes = copy.Graph.Node.ToList();
        copy.Graph.Node.Clear();
        foreach (var n in nodes)
        {
            if (n.Domain != OnnxOpset.Microsoft || n.OpType != "DynamicQuantizeMatMul")
            {
                copy.Graph.Node.Add(n);
                continue;
            }

            if (n.Input.Count > 3 && n.Input[3].Length > 0)
            {
                throw new NotSupportedException($"Node '{n.Name}': b_zero_point is set; only symmetric weights have a reference here.");
            }

            string weight = g.Op("Mul", g.Op("Cast", [n.Input[1]], Attr.Int("to", (long)DataType.Float)), n.Input[2]);
            bool bias = n.Input.Count > 4 && n.Input[4].Length > 0;
            string product = g.Op("MatMul", n.Input[0], weight);
            g.AddNode("Identity", [bias ? g.Op("Add", product, n.Input[4]) : product], [n.Output[0]]);
        }

        return copy;
    }
}
