using OnnxOll.Onnx.Graph;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Tests;

/// <summary>A MatMul input gradient split along a deep contraction (GradientOptions.MaxGemmDepth) equals the unsplit one.</summary>
public sealed class GemmDepthSplitTests
{
    [Theory]
    [InlineData(new long[] { 2, 3, 4 }, 7, 2, 4)]
    [InlineData(new long[] { 3, 4 }, 5, 3, 2)]
    [InlineData(new long[] { 2, 3, 4 }, 6, 6, 1)]
    [InlineData(new long[] { 2, 3, 4 }, 6, 0, 1)]
    public void SplitGradientEqualsSingleGemm(long[] xShape, long width, int maxDepth, int expectedGemms)
    {
        long depth = xShape[^1], count = xShape.Aggregate(1L, (a, b) => a * b);
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, [.. xShape.Select(d => (Dim)d)]);
        g.Initializer<double>("W", [.. Enumerable.Range(0, (int)(depth * width)).Select(i => Math.Sin(i) / 2)], depth, width);
        long[] yShape = [.. xShape[..^1], width];
        g.Initializer<double>("r", [.. Enumerable.Range(0, (int)(count / depth * width)).Select(i => Math.Cos(3 * i))], yShape);
        string loss = g.Op("ReduceSum", [g.Op("Mul", g.Op("Tanh", g.Op("MatMul", "x", "W")), "r")], Attr.Int("keepdims", 0));
        g.Output(loss, DataType.Double, []);
        var inputs = new Dictionary<string, double[]> { ["x"] = [.. Enumerable.Range(0, (int)count).Select(i => Math.Cos(i) - 0.2)] };

        var single = GradientGraph.Build(g.Model.Clone(), loss, ["x", "W"], options: new GradientOptions { MaxGemmDepth = 0 });
        var split = GradientGraph.Build(g.Model.Clone(), loss, ["x", "W"], options: new GradientOptions { MaxGemmDepth = maxDepth });
        using var ort = new OrtEvaluator();
        var expected = ort.Evaluate(single, inputs);
        var actual = ort.Evaluate(split, inputs);

        foreach (string name in new[] { "x.grad", "W.grad" })
        {
            Assert.Equal(expected[name].Length, actual[name].Length);
            for (int i = 0; i < expected[name].Length; i++)
            {
                Assert.Equal(expected[name][i], actual[name][i], 1e-12);
            }
        }

        int dxGemms = split.Graph.Node.Count(n => n.OpType == "Gemm" && !n.Attribute.Any(a => a.Name == "transA" && a.I == 1));
        Assert.Equal(expectedGemms, dxGemms);
    }
}
