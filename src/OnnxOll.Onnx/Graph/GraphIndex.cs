using OnnxOll.Onnx.Proto;

namespace OnnxOll.Onnx.Graph;

/// <summary>Read-only index over a graph: producers and consumers of values, topological order, declared types.</summary>
/// <remarks>Built once; rebuild after the graph changes.</remarks>
public sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> consumers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TensorProto> initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ValueInfoProto> valueInfos = new(StringComparer.Ordinal);
    private readonly HashSet<string> graphInputs = new(StringComparer.Ordinal);

    /// <summary>Indexes <paramref name="graph"/>.</summary>
    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        foreach (var t in graph.Initializer)
        {
            initializers[t.Name] = t;
        }

        foreach (var v in graph.ValueInfo.Concat(graph.Output).Concat(graph.Input))
        {
            valueInfos[v.Name] = v;
        }

        foreach (var v in graph.Input)
        {
            graphInputs.Add(v.Name);
        }

        foreach (var n in graph.Node)
        {
            foreach (var o in n.Output.Where(o => o.Length > 0))
            {
                if (!producers.TryAdd(o, n))
                {
                    throw new InvalidDataException($"Graph '{graph.Name}': value '{o}' is produced by both '{producers[o].Name}' and '{n.Name}'.");
                }
            }

            foreach (var i in n.Input.Where(i => i.Length > 0))
            {
                if (!consumers.TryGetValue(i, out var list))
                {
                    consumers[i] = list = [];
                }

                list.Add(n);
            }
        }
    }

    /// <summary>The indexed graph.</summary>
    public GraphProto Graph { get; }

    /// <summary>The node producing <paramref name="value"/>, or null for inputs, initializers and unknown names.</summary>
    public NodeProto? Producer(string value) => producers.GetValueOrDefault(value);

    /// <summary>The nodes that read <paramref name="value"/>.</summary>
    public IReadOnlyList<NodeProto> Consumers(string value) =>
        consumers.TryGetValue(value, out var list) ? list : Array.Empty<NodeProto>();

    /// <summary>True when <paramref name="value"/> is an initializer.</summary>
    public bool IsInitializer(string value) => initializers.ContainsKey(value);

    /// <summary>True when <paramref name="value"/> is a declared graph input.</summary>
    public bool IsGraphInput(string value) => graphInputs.Contains(value);

    /// <summary>The initializer named <paramref name="value"/>, or null.</summary>
    public TensorProto? Initializer(string value) => initializers.GetValueOrDefault(value);

    /// <summary>The declared element type and shape of a value (null dims where unknown), or null when undeclared.</summary>
    public (TensorProto.Types.DataType Type, long?[]? Dims)? TypeOf(string value)
    {
        if (initializers.TryGetValue(value, out var t))
        {
            return ((TensorProto.Types.DataType)t.DataType, t.Dims.Select(d => (long?)d).ToArray());
        }

        if (!valueInfos.TryGetValue(value, out var v) || v.Type?.TensorType is null)
        {
            return null;
        }

        var tt = v.Type.TensorType;
        long?[]? dims = tt.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue : (long?)null).ToArray();
        return ((TensorProto.Types.DataType)tt.ElemType, dims);
    }

    /// <summary>Nodes in an order where every node follows the producers of its inputs; throws on a cycle or a dangling input.</summary>
    public IReadOnlyList<NodeProto> TopologicalOrder()
    {
        var pending = new Dictionary<NodeProto, int>(ReferenceEqualityComparer.Instance);
        var ready = new Queue<NodeProto>();
        foreach (var n in Graph.Node)
        {
            int unresolved = 0;
            foreach (var i in n.Input.Where(i => i.Length > 0).Distinct())
            {
                if (producers.ContainsKey(i))
                {
                    unresolved++;
                }
                else if (!initializers.ContainsKey(i) && !graphInputs.Contains(i))
                {
                    throw new InvalidDataException($"Graph '{Graph.Name}': node '{n.Name}' ({n.OpType}) reads '{i}', which nothing produces.");
                }
            }

            pending[n] = unresolved;
            if (unresolved == 0)
            {
                ready.Enqueue(n);
            }
        }

        var order = new List<NodeProto>(Graph.Node.Count);
        while (ready.Count > 0)
        {
            var n = ready.Dequeue();
            order.Add(n);
            foreach (var o in n.Output.Where(o => o.Length > 0))
            {
                foreach (var c in Consumers(o).Distinct())
                {
                    if (--pending[c] == 0)
                    {
                        ready.Enqueue(c);
                    }
                }
            }
        }

        if (order.Count != Graph.Node.Count)
        {
            var stuck = Graph.Node.First(n => pending[n] > 0);
            throw new InvalidDataException($"Graph '{Graph.Name}': cycle through node '{stuck.Name}' ({stuck.OpType}).");
        }

        return order;
    }
}
