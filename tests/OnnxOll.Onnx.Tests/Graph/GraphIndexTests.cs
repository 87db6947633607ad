using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Onnx.Tests.Graph;

public sealed class GraphIndexTests
{
    /// <summary>The diamond x → top → (left, right) → bottom, with nodes stored in the graph in the given order.</summary>
    private static (GraphProto Graph, Dictionary<string, NodeProto> Nodes) Diamond(params string[] storageOrder)
    {
        var b = new GraphBuilder("diamond");
        b.Input("x", DataType.Float, 2);
        b.Initializer<float>("w", [1, 2], 2);
        var nodes = new Dictionary<string, NodeProto>
        {
            ["top"] = b.AddNode("Relu", ["x"], ["a"]),
            ["left"] = b.AddNode("Neg", ["a"], ["l"]),
            ["right"] = b.AddNode("Mul", ["a", "w"], ["r"]),
            ["bottom"] = b.AddNode("Add", ["l", "r"], ["y"]),
        };
        b.Output("y", DataType.Float, 2);
        b.Graph.Node.Clear();
        b.Graph.Node.AddRange(storageOrder.Select(n => nodes[n]));
        return (b.Graph, nodes);
    }

    [Theory]
    // order in which the nodes are stored in the graph
    [InlineData("top", "left", "right", "bottom")]
    [InlineData("bottom", "right", "left", "top")]
    [InlineData("left", "bottom", "top", "right")]
    public void TopologicalOrderPutsEveryNodeAfterItsProducers(params string[] storageOrder)
    {
        var (graph, nodes) = Diamond(storageOrder);
        var order = new GraphIndex(graph).TopologicalOrder().ToList();

        Assert.Equal(4, order.Count);
        Assert.Same(nodes["top"], order[0]);
        Assert.Same(nodes["bottom"], order[3]);
        Assert.Equal(new HashSet<NodeProto>([nodes["left"], nodes["right"]]), new HashSet<NodeProto>(order.GetRange(1, 2)));
    }

    [Fact]
    public void ProducersAndConsumersOfTheDiamond()
    {
        var (graph, nodes) = Diamond("bottom", "left", "top", "right");
        var index = new GraphIndex(graph);

        // value, expected producer (null: none), expected consumers
        (string Value, string? Producer, string[] Consumers)[] table =
        [
            ("x", null, ["top"]),
            ("w", null, ["right"]),
            ("a", "top", ["left", "right"]),
            ("l", "left", ["bottom"]),
            ("r", "right", ["bottom"]),
            ("y", "bottom", []),
            ("unknown", null, []),
        ];
        foreach (var (value, producer, consumers) in table)
        {
            Assert.Same(producer is null ? null : nodes[producer], index.Producer(value));
            Assert.Equal(consumers.Select(c => nodes[c].Name).OrderBy(n => n), index.Consumers(value).Select(n => n.Name).OrderBy(n => n));
        }

        Assert.True(index.IsGraphInput("x"));
        Assert.True(index.IsInitializer("w"));
        Assert.False(index.IsInitializer("a"));
    }

    [Fact]
    public void CycleIsReportedNamingANode()
    {
        var (graph, nodes) = Diamond("top", "left", "right", "bottom");
        nodes["top"].Input[0] = "y";
        var e = Assert.Throws<InvalidDataException>(() => new GraphIndex(graph).TopologicalOrder());
        Assert.Contains("cycle", e.Message);
    }

    [Fact]
    public void DanglingInputIsReportedNamingTheValue()
    {
        var (graph, nodes) = Diamond("top", "left", "right", "bottom");
        nodes["left"].Input[0] = "missing";
        var e = Assert.Throws<InvalidDataException>(() => new GraphIndex(graph).TopologicalOrder());
        Assert.Contains("'missing'", e.Message);
    }
}
