using Microsoft.ML.OnnxRuntime;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Tests;

/// <summary>Graphs whose shapes are only known at run time give the same gradients as their fixed-shape twins.</summary>
public sealed class SymbolicShapeTests
{
    /// <summary>loss = Σ tanh(op(A, B)) ⊙ R for A [a,3], B [b,3] (b = 1 at run time: broadcast only then).</summary>
    private static ModelProto Broadcast(string op, Dim a, Dim b)
    {
        var g = new GraphBuilder();
        g.Input("A", DataType.Double, a, 3);
        g.Input("B", DataType.Double, b, 3);
        g.Input("R", DataType.Double, 4, 3);
        string y = g.Op("Mul", g.Op("Tanh", g.Op(op, "A", "B")), "R");
        g.Output(g.Op("ReduceSum", [y], Attr.Int("keepdims", 0)), DataType.Double, []);
        return g.Model;
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Sub")]
    [InlineData("Mul")]
    [InlineData("Div")]
    [InlineData("Max")]
    public void BroadcastReductionFallsBackToRunTime(string op)
    {
        var inputs = new Dictionary<string, double[]>
        {
            ["A"] = [.. Enumerable.Range(0, 12).Select(i => (i * 0.37 % 1) + 0.5)],
            ["B"] = [0.7, -0.6, 1.3],
            ["R"] = [.. Enumerable.Range(0, 12).Select(i => (i * 0.61 % 1) - 0.5)],
        };
        var fixedModel = Broadcast(op, 4, 1);
        var symbolic = Broadcast(op, "a", "b");
        string loss = fixedModel.Graph.Output[0].Name;
        using var fixedOrt = new OrtEvaluator();
        var expected = fixedOrt.Evaluate(GradientGraph.Build(fixedModel, loss, ["A", "B"]), inputs);
        var built = GradientGraph.Build(symbolic, loss, ["A", "B"]);
        Assert.Contains(built.Graph.Node, n => n.OpType == "NonZero");
        foreach (var level in new[] { GraphOptimizationLevel.ORT_DISABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_ALL })
        {
            using var ort = new OrtEvaluator(level, new Dictionary<string, long> { ["a"] = 4, ["b"] = 1 });
            var actual = ort.Evaluate(built, inputs);
            Assert.Equal(3, actual["B.grad"].Length);
            foreach (var name in new[] { "A.grad", "B.grad" })
            {
                Assert.Equal(expected[name].Length, actual[name].Length);
                for (int i = 0; i < expected[name].Length; i++)
                {
                    Assert.Equal(expected[name][i], actual[name][i], 1e-12);
                }
            }
        }
    }
}
