using OnnxOll.Autodiff.Checking;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Tests;

/// <summary>Structure of the emitted training graphs: pruning, dead code, errors, zero gradients, optional outputs.</summary>
public sealed class GradientGraphTests
{
    private static bool IsBackward(NodeProto n) => n.Name.StartsWith(GradientGraph.BackwardScope + "/", StringComparison.Ordinal);

    /// <summary>loss = Σ(x·A) + Σ tanh(x·W) + Σ exp(x): only the A branch is trainable.</summary>
    private static (ModelProto Model, string Loss, NodeProto[] Frozen) TwoBranches()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, 2, 3);
        g.Input("A", DataType.Double, 3, 4);
        g.Initializer<double>("W", [.. Enumerable.Range(0, 12).Select(i => i / 10.0)], 3, 4);
        string trainable = g.Op("ReduceSum", [g.Op("MatMul", "x", "A")], Attr.Int("keepdims", 0));
        string frozenSum = g.Op("ReduceSum", [g.Op("Tanh", g.Op("MatMul", "x", "W"))], Attr.Int("keepdims", 0));
        string expSum = g.Op("ReduceSum", [g.Op("Exp", "x")], Attr.Int("keepdims", 0));
        string loss = g.Op("Sum", trainable, frozenSum, expSum);
        g.Output(loss, DataType.Double, []);
        var frozen = g.Graph.Node.Where(n => n.Output.Any(o => o != loss) && !n.Input.Contains("A") && n.OpType != "Sum"
            && !n.Input.Any(i => g.Graph.Node.Any(p => p.Input.Contains("A") && p.Output.Contains(i)))).ToArray();
        return (g.Model, loss, frozen);
    }

    [Fact]
    public void FrozenBranchFeedingTheLossGetsNoBackwardNodes()
    {
        var (model, loss, frozen) = TwoBranches();
        var built = GradientGraph.Build(model, loss, ["A"]);
        var frozenNames = frozen.Select(n => n.Name).ToList();
        Assert.Equal(["MatMul", "Tanh", "ReduceSum", "Exp", "ReduceSum"], frozen.Select(n => n.OpType));
        var backward = built.Graph.Node.Where(IsBackward).ToList();
        Assert.NotEmpty(backward);
        Assert.DoesNotContain(backward, n => frozenNames.Any(f => n.Name.Contains("/" + f + "/", StringComparison.Ordinal)));
        var frozenValues = frozen.SelectMany(n => n.Output).ToHashSet();
        Assert.DoesNotContain(backward, n => n.Input.Any(frozenValues.Contains));
        Assert.All(frozenNames, f => Assert.Contains(built.Graph.Node, n => n.Name == f));
    }

    [Fact]
    public void FanOutGradientsAreSummed()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, 2, 3);
        string y = g.Op("Add", g.Op("Mul", "x", "x"), g.Op("Exp", "x"));
        g.Output(y, DataType.Double, [2, 3]);
        using var ort = new OrtEvaluator();
        var result = FiniteDifferenceChecker.Check(g.Model, ["x"], ort.Evaluate);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void TrainableInitializerGetsAGradient()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, 2, 3);
        g.Initializer<double>("W", [.. Enumerable.Range(0, 12).Select(i => (i - 6) / 10.0)], 3, 4);
        g.Output(g.Op("Sigmoid", g.Op("MatMul", "x", "W")), DataType.Double, [2, 4]);
        using var ort = new OrtEvaluator();
        var result = FiniteDifferenceChecker.Check(g.Model, ["W", "x"], ort.Evaluate);
        Assert.True(result.Passed, result.ToString());
        Assert.Equal(12 + 6, result.Entries);
    }

    [Fact]
    public void UnsupportedOpOnTheGradientPathNamesNodeAndOp()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, 2);
        string loss = g.Op("ReduceSum", [g.Op("Sin", "x")], Attr.Int("keepdims", 0));
        g.Output(loss, DataType.Double, []);
        var sin = g.Graph.Node.Single(n => n.OpType == "Sin");
        var e = Assert.Throws<NotSupportedException>(() => GradientGraph.Build(g.Model, loss, ["x"]));
        Assert.Contains($"'{sin.Name}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("Sin", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedOpOffTheGradientPathIsFine()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, 2);
        g.Input("a", DataType.Double, 2);
        string loss = g.Op("ReduceSum", [g.Op("Mul", g.Op("Sin", "x"), "a")], Attr.Int("keepdims", 0));
        g.Output(loss, DataType.Double, []);
        var built = GradientGraph.Build(g.Model, loss, ["a"]);
        Assert.Contains(built.Graph.Output, o => o.Name == "a.grad");
    }

    [Fact]
    public void DeadNodesAndTheirInitializersAreRemoved()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, 2, 3);
        g.Initializer<double>("unused_w", [1, 2, 3], 3);
        string aux = g.Op("Exp", g.Op("Mul", "x", "unused_w"));
        string loss = g.Op("ReduceSum", [g.Op("Tanh", "x")], Attr.Int("keepdims", 0));
        g.Output(aux, DataType.Double, [2, 3]);
        g.Output(loss, DataType.Double, []);
        var built = GradientGraph.Build(g.Model, loss, ["x"]);
        Assert.DoesNotContain(built.Graph.Node, n => n.OpType == "Exp" || n.Output.Contains(aux));
        Assert.DoesNotContain(built.Graph.Node, n => !IsBackward(n) && n.OpType == "Mul");
        Assert.DoesNotContain(built.Graph.Initializer, t => t.Name == "unused_w");
        var kept = GradientGraph.Build(g.Model, loss, ["x"], [aux]);
        Assert.Contains(kept.Graph.Node, n => n.Output.Contains(aux));
        Assert.Equal([loss, aux, "x.grad"], kept.Graph.Output.Select(o => o.Name));
    }

    [Fact]
    public void TrainableTheLossIgnoresGetsZeroGradientAndANote()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, 2, 3);
        g.Input("unused", DataType.Double, 4, 2);
        string loss = g.Op("ReduceSum", [g.Op("Tanh", "x")], Attr.Int("keepdims", 0));
        g.Output(loss, DataType.Double, []);
        var notes = new List<string>();
        var built = GradientGraph.Build(g.Model, loss, ["x", "unused"], options: new GradientOptions { OnNote = notes.Add });
        Assert.Contains(notes, n => n.Contains("'unused'", StringComparison.Ordinal));
        using var ort = new OrtEvaluator();
        var outputs = ort.Evaluate(built, new Dictionary<string, double[]> { ["x"] = new double[6], ["unused"] = new double[8] });
        Assert.Equal(new double[8], outputs["unused.grad"]);
        Assert.Equal(Enumerable.Repeat(1.0, 6), outputs["x.grad"]);
    }

    [Fact]
    public void DropoutInTrainingModeReusesTheForwardMask()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, 4, 50);
        g.Input("r", DataType.Double, 4, 50);
        g.Initializer<double>("ratio", [0.25]);
        g.Initializer<bool>("training", [true]);
        string y = g.Op("Dropout", "x", "ratio", "training");
        string loss = g.Op("ReduceSum", [g.Op("Mul", y, "r")], Attr.Int("keepdims", 0));
        g.Output(loss, DataType.Double, []);
        var built = GradientGraph.Build(g.Model, loss, ["x"], [y]);
        Assert.Equal(2, built.Graph.Node.Single(n => n.OpType == "Dropout").Output.Count);
        var rng = new Random(5);
        var x = Enumerable.Range(0, 200).Select(_ => rng.NextDouble() + 0.5).ToArray();
        var r = Enumerable.Range(0, 200).Select(_ => rng.NextDouble() - 0.5).ToArray();
        using var ort = new OrtEvaluator();
        var outputs = ort.Evaluate(built, new Dictionary<string, double[]> { ["x"] = x, ["r"] = r });
        // y = x ⊙ mask / (1 - ratio) and dx = r ⊙ mask / (1 - ratio), so dx ⊙ x = y ⊙ r for the same mask
        var dx = outputs["x.grad"];
        var yv = outputs[y];
        Assert.Contains(yv, v => v == 0);
        Assert.Contains(yv, v => v != 0);
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(yv[i] * r[i], dx[i] * x[i], 1e-12);
        }
    }

    [Fact]
    public void ConstantNodesServeAsAxesShapesAndExponents()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, 2, 3, 4);
        g.AddNode("Constant", [], ["shape"], [Attr.Ints("value_ints", 6, 4)]);
        g.AddNode("Constant", [], ["axes"], [Attr.Ints("value_ints", -1)]);
        g.AddNode("Constant", [], ["exponent"], [Attr.Float("value_float", 3f)]);
        string y = g.Op("ReduceMean", [g.Op("Pow", g.Op("Reshape", "x", "shape"), "exponent"), "axes"], Attr.Int("keepdims", 0));
        g.Output(y, DataType.Double, [6]);
        using var ort = new OrtEvaluator();
        var result = FiniteDifferenceChecker.Check(g.Model, ["x"], ort.Evaluate);
        Assert.True(result.Passed, result.ToString());
        string loss = g.Op("ReduceSum", [y], Attr.Int("keepdims", 0));
        var built = GradientGraph.Build(g.Model, loss, ["x"]);
        Assert.DoesNotContain(built.Graph.Node, n => IsBackward(n) && n.OpType is "Shape" or "Size");
    }

    [Fact]
    public void NonScalarLossIsRejected()
    {
        var g = new GraphBuilder();
        g.Input("x", DataType.Double, 2, 3);
        string y = g.Op("Tanh", "x");
        g.Output(y, DataType.Double, [2, 3]);
        var e = Assert.Throws<ArgumentException>(() => GradientGraph.Build(g.Model, y, ["x"]));
        Assert.Contains("scalar", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OldOpsetIsRejected()
    {
        var (model, loss, _) = TwoBranches();
        model.OpsetImport[0].Version = 12;
        var e = Assert.Throws<NotSupportedException>(() => GradientGraph.Build(model, loss, ["A"]));
        Assert.Contains("opset is 12", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTrainableIsRejected()
    {
        var (model, loss, _) = TwoBranches();
        var e = Assert.Throws<ArgumentException>(() => GradientGraph.Build(model, loss, ["nope"]));
        Assert.Contains("'nope'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ForwardModelIsNotModified()
    {
        var (model, loss, _) = TwoBranches();
        var before = model.Clone();
        GradientGraph.Build(model, loss, ["A"]);
        Assert.Equal(before, model);
    }
}
