using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Models;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>A foreign ONNX graph loaded with its external data and indexed for reading its weights: constants, producers,
/// consumers, topological order and the data-flow walks the CLIP mapping needs. Never executed.</summary>
internal sealed class ForeignGraph
{
    // Ops a weight or activation passes through unchanged in value (only its layout or type changes).
    private static readonly HashSet<string> LayoutOps = new(StringComparer.Ordinal)
    {
        "Gather", "Slice", "Reshape", "Unsqueeze", "Squeeze", "Expand", "Cast", "Identity", "Flatten", "Tile", "Transpose",
    };

    private readonly Dictionary<NodeProto, int> position = new(ReferenceEqualityComparer.Instance);

    private ForeignGraph(string path, ModelProto model)
    {
        Path = path;
        Index = new GraphIndex(model.Graph);
        Order = Index.TopologicalOrder();
        for (int i = 0; i < Order.Count; i++)
        {
            position[Order[i]] = i;
        }
    }

    /// <summary>The .onnx file.</summary>
    public string Path { get; }

    /// <summary>The graph's index.</summary>
    public GraphIndex Index { get; }

    /// <summary>The nodes in topological order.</summary>
    public IReadOnlyList<NodeProto> Order { get; }

    /// <summary>Loads <paramref name="path"/> and its external data.</summary>
    /// <exception cref="InvalidDataException">Not an ONNX model, or a dangling input or a cycle.</exception>
    /// <exception cref="InvalidDataException">External data outside the graph's folder.</exception>
    public static ForeignGraph Load(string path)
    {
        var model = ModelIO.Load(path);
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        foreach (var t in model.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External))
        {
            string location = ExternalData.Describe(t).Location;
            string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, location));
            if (!full.StartsWith(dir + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"{path}: tensor '{t.Name}' keeps its data in '{location}', outside the graph's folder; refused.");
            }

            ExternalData.Load(t, dir);
        }

        return new ForeignGraph(path, model);
    }

    /// <summary>True when the graph declares input <paramref name="name"/>.</summary>
    public bool HasInput(string name) => Index.IsGraphInput(name);

    /// <summary>Position of <paramref name="node"/> in <see cref="Order"/>.</summary>
    public int PositionOf(NodeProto node) => position[node];

    /// <summary>The constant behind <paramref name="value"/> (an initializer or a Constant node's tensor), or null.</summary>
    public TensorProto? Constant(string value)
    {
        if (Index.Initializer(value) is { } t)
        {
            return t;
        }

        return Index.Producer(value) is { OpType: "Constant" } c
            ? c.Attribute.FirstOrDefault(a => a.Name == "value")?.T
            : null;
    }

    /// <summary>The float constant behind <paramref name="value"/> as float32 (float32, float16 or float64 tensors), or null.</summary>
    public float[]? Floats(string value) => Constant(value) is { } t ? ToFloats(t) : null;

    /// <summary>A constant tensor's values as float32, or null when it is not a float tensor.</summary>
    public static float[]? ToFloats(TensorProto t) => (TensorProto.Types.DataType)t.DataType switch
    {
        TensorProto.Types.DataType.Float => Tensors.ToArray<float>(t),
        TensorProto.Types.DataType.Double => [.. Tensors.ToArray<double>(t).Select(d => (float)d)],
        TensorProto.Types.DataType.Float16 => [.. Tensors.ToArray<Half>(t).Select(h => (float)h)],
        _ => null,
    };

    /// <summary>The nodes reading <paramref name="value"/>.</summary>
    public IReadOnlyList<NodeProto> Consumers(string value) => Index.Consumers(value);

    /// <summary>The node producing <paramref name="value"/>, or null.</summary>
    public NodeProto? Producer(string value) => Index.Producer(value);

    /// <summary>Every value reachable from <paramref name="value"/> along data edges (shape reads excluded).</summary>
    public HashSet<string> Reachable(string value)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { value };
        var queue = new Queue<string>([value]);
        while (queue.Count > 0)
        {
            foreach (var node in Consumers(queue.Dequeue()).Where(n => n.OpType is not ("Shape" or "Size")))
            {
                foreach (string o in node.Output.Where(o => o.Length > 0 && seen.Add(o)))
                {
                    queue.Enqueue(o);
                }
            }
        }

        return seen;
    }

    /// <summary>The first node (breadth first from <paramref name="value"/>, shape reads excluded, not passing through
    /// <paramref name="stopAt"/> nodes) that <paramref name="accept"/>s, with the input slot the walk arrived at.</summary>
    public (NodeProto Node, int Slot)? FirstDownstream(string value, Func<NodeProto, bool> accept, Func<NodeProto, bool> stopAt, int maxNodes = 64)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { value };
        var queue = new Queue<string>([value]);
        int visited = 0;
        while (queue.Count > 0 && visited++ < maxNodes)
        {
            string v = queue.Dequeue();
            foreach (var node in Consumers(v).Where(n => n.OpType is not ("Shape" or "Size")))
            {
                if (accept(node))
                {
                    return (node, node.Input.IndexOf(v));
                }

                if (stopAt(node))
                {
                    continue;
                }

                foreach (string o in node.Output.Where(o => o.Length > 0 && seen.Add(o)))
                {
                    queue.Enqueue(o);
                }
            }
        }

        return null;
    }

    /// <summary>Walks back from <paramref name="value"/> through layout ops (their data input) to a float constant.</summary>
    public (string Name, float[] Data)? BackToConstant(string value)
    {
        for (int depth = 0; depth < 16; depth++)
        {
            if (Floats(value) is { } data)
            {
                return (value, data);
            }

            if (Producer(value) is not { } p || !LayoutOps.Contains(p.OpType) || p.Input.Count == 0)
            {
                return null;
            }

            value = p.Input[0];
        }

        return null;
    }
}
