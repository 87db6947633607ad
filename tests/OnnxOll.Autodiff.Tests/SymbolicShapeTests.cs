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

    [Fact]
    public void RunTimeShapesInStructuralRulesMatchFixedShapes()
    {
        var inputs = new Dictionary<string, double[]>
        {
            ["x"] = [.. Enumerable.Range(0, 36).Select(i => (i * 0.37 % 1) - 0.5)],
            ["z"] = [.. Enumerable.Range(0, 12).Select(i => (i * 0.61 % 1) - 0.5)],
            ["idx"] = [5, 0, 3],
        };
        using var fixedOrt = new OrtEvaluator();
        var fixedModel = Zoo(3);
        var expected = fixedOrt.Evaluate(GradientGraph.Build(fixedModel, fixedModel.Graph.Output[0].Name, ["x", "z"]), inputs);
        var symbolic = Zoo("n");
        var built = GradientGraph.Build(symbolic, symbolic.Graph.Output[0].Name, ["x", "z"]);
        Assert.Contains(built.Graph.Node, n => n.OpType == "Shape" && n.Name.StartsWith(GradientGraph.BackwardScope, StringComparison.Ordinal));
        using var ort = new OrtEvaluator(dimSizes: new Dictionary<string, long> { ["n"] = 3 });
        var actual = ort.Evaluate(built, inputs);
        foreach (var name in new[] { "x.grad", "z.grad" })
        {
            Assert.Contains(expected[name], v => v != 0);
            Assert.Equal(expected[name].Length, actual[name].Length);
            for (int i = 0; i < expected[name].Length; i++)
            {
                Assert.Equal(expected[name][i], actual[name][i], 1e-12);
            }
        }
    }

    // Columns: start, end (long.MinValue: the end is shape(x)[0] - 1, computed at run time).
    [Theory]
    [InlineData(1, -1)]
    [InlineData(-3, 100)]
    [InlineData(0, 2)]
    [InlineData(2, long.MinValue)]
    public void SliceAlongASymbolicAxisPadsAtRunTime(long start, long end)
    {
        var inputs = new Dictionary<string, double[]> { ["x"] = [.. Enumerable.Range(0, 20).Select(i => (i * 0.37 % 1) - 0.5)] };
        ModelProto Build(Dim n)
        {
            var g = new GraphBuilder();
            g.Input("x", DataType.Double, n, 4);
            g.Initializer<long>("starts", [start], 1);
            g.Initializer<long>("zero", [0], 1);
            g.Initializer<long>("one", [1], 1);
            string ends = end == long.MinValue ? g.Op("Sub", g.Op("Shape", ["x"], Attr.Int("end", 1)), "one") : g.Initializer<long>("ends", [end], 1);
            string sliced = g.Op("Slice", "x", "starts", ends, "zero");
            string loss = g.Op("ReduceSum", [g.Op("Mul", g.Op("Tanh", sliced), sliced)], Attr.Int("keepdims", 0));
            g.Output(loss, DataType.Double, []);
            return GradientGraph.Build(g.Model, loss, ["x"]);
        }

        using var fixedOrt = new OrtEvaluator();
        var expected = fixedOrt.Evaluate(Build(5), inputs)["x.grad"];
        using var ort = new OrtEvaluator(dimSizes: new Dictionary<string, long> { ["n"] = 5 });
        var actual = ort.Evaluate(Build("n"), inputs)["x.grad"];
        Assert.Contains(expected, v => v == 0);
        Assert.Contains(expected, v => v != 0);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-12);
        }
    }

    [Fact]
    public void ClassTokenPrependedThroughAPartialShapeKeepsItsShape()
    {
        // cls = expand(c, concat(shape(x)[0:1], [1, 4])); tokens = [cls | x]; loss = Σ tanh(tokens[:, 0:1]) + Σ tokens²
        var inputs = new Dictionary<string, double[]>
        {
            ["x"] = [.. Enumerable.Range(0, 24).Select(i => (i * 0.37 % 1) - 0.5)],
            ["c"] = [0.3, -0.2, 0.7, 0.1],
        };
        ModelProto Build(Dim b)
        {
            var g = new GraphBuilder();
            g.Input("x", DataType.Double, b, 3, 4);
            g.Input("c", DataType.Double, 4);
            g.Initializer<long>("tail", [1, 4], 2);
            g.Initializer<long>("row", [1, 1, 4], 3);
            g.Initializer<long>("zero", [0], 1);
            g.Initializer<long>("one", [1], 1);
            string batch = g.Op("Shape", ["x"], Attr.Int("start", 0), Attr.Int("end", 1));
            string cls = g.Op("Expand", g.Op("Reshape", "c", "row"), g.Op("Concat", [batch, "tail"], Attr.Int("axis", 0)));
            string tokens = g.Op("Concat", [cls, "x"], Attr.Int("axis", 1));
            string first = g.Op("Slice", tokens, "zero", "one", "one");
            string loss = g.Op("Add", g.Op("ReduceSum", [g.Op("Tanh", first)], Attr.Int("keepdims", 0)),
                g.Op("ReduceSum", [g.Op("Mul", tokens, tokens)], Attr.Int("keepdims", 0)));
            g.Output(loss, DataType.Double, []);
            return GradientGraph.Build(g.Model, loss, ["x", "c"]);
        }

        using var fixedOrt = new OrtEvaluator();
        var expected = fixedOrt.Evaluate(Build(2), inputs);
        using var ort = new OrtEvaluator(dimSizes: new Dictionary<string, long> { ["b"] = 2 });
        var actual = ort.Evaluate(Build("b"), inputs);
        foreach (var name in new[] { "x.grad", "c.grad" })
        {
            Assert.Equal(expected[name].Length, actual[name].Length);
            for (int i = 0; i < expected[name].Length; i++)
            {
                Assert.Equal(expected[name][i], actual[name][i], 1e-12);
            }
        }
    }

    /// <summary>Gather, Concat along and ReduceMean over a symbolic axis, Expand, Slice, Reshape and a loss over a symbolic batch.</summary>
    private static ModelProto Zoo(Dim n)
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, n, 4, 3);
        g.Input("z", DataType.Double, 1, 4, 3);
        g.Input("idx", DataType.Int64, n);
        g.Initializer<long>("picks", [3, 1], 2);
        g.Initializer<long>("zero", [0], 1);
        g.Initializer<long>("one", [1], 1);
        g.Initializer<long>("end", [2], 1);
        g.Initializer<long>("flat", [0, -1], 2);
        string gathered = g.Op("Gather", ["x", "picks"], Attr.Int("axis", 1));
        string joined = g.Op("Concat", ["x", "z"], Attr.Int("axis", 0));
        string mean = g.Op("ReduceMean", [joined, "zero"], Attr.Int("keepdims", 0));
        string sliced = g.Op("Slice", g.Op("Expand", "z", g.Op("Shape", "x")), "zero", "end", "one");
        string logits = g.Op("Reshape", g.Op("Mul", gathered, g.Op("Tanh", sliced)), "flat");
        string ce = g.Op("SoftmaxCrossEntropyLoss", [logits, "idx"], Attr.String("reduction", "mean"));
        string loss = g.Op("Add", ce, g.Op("ReduceSum", [g.Op("Tanh", mean)], Attr.Int("keepdims", 0)));
        g.Output(loss, DataType.Double, []);
        return g.Model;
    }
}
