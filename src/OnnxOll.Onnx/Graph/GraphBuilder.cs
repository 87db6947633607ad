using OnnxOll.Onnx.Proto;

namespace OnnxOll.Onnx.Graph;

/// <summary>Typed builder for ONNX graphs: inputs, outputs, initializers from spans, nodes with unique value names.</summary>
/// <remarks>Wraps a <see cref="ModelProto"/>; <see cref="Wrap"/> continues editing an existing model.</remarks>
public sealed class GraphBuilder
{
    private readonly HashSet<string> usedNames = new(StringComparer.Ordinal);
    private readonly Stack<string> scopes = new();
    private int counter;

    /// <summary>Starts an empty model with one graph, opset <paramref name="opset"/> of the default domain.</summary>
    public GraphBuilder(string graphName = "graph", int opset = OnnxOpset.Default)
    {
        Model = new ModelProto
        {
            IrVersion = OnnxOpset.IrVersion,
            ProducerName = "OnnxOll",
            Graph = new GraphProto { Name = graphName },
        };
        Model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
    }

    private GraphBuilder(ModelProto model)
    {
        Model = model;
        foreach (var v in Graph.Input.Concat(Graph.Output).Concat(Graph.ValueInfo))
        {
            usedNames.Add(v.Name);
        }

        foreach (var t in Graph.Initializer)
        {
            usedNames.Add(t.Name);
        }

        foreach (var n in Graph.Node)
        {
            usedNames.UnionWith(n.Output);
            if (n.HasName)
            {
                usedNames.Add(n.Name);
            }
        }
    }

    /// <summary>The model being built.</summary>
    public ModelProto Model { get; }

    /// <summary>The model's graph.</summary>
    public GraphProto Graph => Model.Graph;

    /// <summary>Continues building on an existing model (edited in place).</summary>
    public static GraphBuilder Wrap(ModelProto model) =>
        model.Graph is null ? throw new ArgumentException("The model has no graph.", nameof(model)) : new GraphBuilder(model);

    /// <summary>Prefixes generated names with <paramref name="scope"/> until the returned handle is disposed.</summary>
    public IDisposable Scope(string scope)
    {
        scopes.Push(scopes.Count == 0 ? scope : $"{scopes.Peek()}/{scope}");
        return new ScopeHandle(scopes);
    }

    /// <summary>Returns <paramref name="hint"/> (scoped) if unused, otherwise the hint with a numeric suffix; reserves it.</summary>
    public string UniqueName(string hint)
    {
        string baseName = scopes.Count == 0 ? hint : $"{scopes.Peek()}/{hint}";
        string name = baseName;
        while (!usedNames.Add(name))
        {
            name = $"{baseName}_{++counter}";
        }

        return name;
    }

    /// <summary>Reserves an exact name; throws if it is already used.</summary>
    public string Reserve(string name) =>
        usedNames.Add(name) ? name : throw new ArgumentException($"Value name '{name}' is already used in graph '{Graph.Name}'.");

    /// <summary>Declares a graph input with an element type and shape (a <see cref="Dim"/> may be symbolic).</summary>
    public string Input(string name, TensorProto.Types.DataType type, params Dim[] dims)
    {
        Graph.Input.Add(ValueInfo(Reserve(name), type, dims));
        return name;
    }

    /// <summary>Declares an existing value as a graph output; <paramref name="dims"/> null leaves the shape unknown.</summary>
    public string Output(string name, TensorProto.Types.DataType type, params Dim[]? dims)
    {
        usedNames.Add(name);
        Graph.Output.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Adds an initializer (frozen constant) holding a copy of <paramref name="data"/>.</summary>
    public string Initializer<T>(string name, ReadOnlySpan<T> data, params long[] dims) where T : unmanaged
    {
        Graph.Initializer.Add(Tensors.Create(Reserve(name), data, dims));
        return name;
    }

    /// <summary>Adds a prepared tensor (inline or external) as an initializer.</summary>
    public string Initializer(TensorProto tensor)
    {
        Reserve(tensor.Name);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A 1-D int64 constant such as axes, shapes or indices, under a generated name.</summary>
    public string ConstInt64(params long[] values) => Generated<long>("const_i64", values, values.Length);

    /// <summary>A scalar int64 constant (shape []).</summary>
    public string ScalarInt64(long value) => Generated<long>("scalar_i64", [value]);

    /// <summary>A scalar constant of the element type <paramref name="type"/> (float, double, int64).</summary>
    public string Scalar(double value, TensorProto.Types.DataType type = TensorProto.Types.DataType.Float) => type switch
    {
        TensorProto.Types.DataType.Float => Generated<float>("scalar_f32", [(float)value]),
        TensorProto.Types.DataType.Double => Generated<double>("scalar_f64", [value]),
        TensorProto.Types.DataType.Int64 => Generated<long>("scalar_i64", [(long)value]),
        _ => throw new NotSupportedException($"Scalar constants of type {type} are not supported."),
    };

    /// <summary>Adds a node with one output named after the op and returns that output's name.</summary>
    public string Op(string opType, params string[] inputs) => Op(opType, inputs, Array.Empty<AttributeProto>());

    /// <summary>Adds a node with attributes and one output; returns the output's name.</summary>
    public string Op(string opType, string[] inputs, params AttributeProto[] attributes) =>
        Op(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> generated outputs; returns their names.</summary>
    public string[] Op(string opType, string[] inputs, int outputCount, params AttributeProto[] attributes)
    {
        var outputs = new string[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            outputs[i] = UniqueName(outputCount == 1 ? opType : $"{opType}_out{i}");
        }

        AddNode(opType, inputs, outputs, attributes);
        return outputs;
    }

    /// <summary>Adds a node of operator set <paramref name="domain"/> (imported at version 1 if not yet) with one output; returns its name.</summary>
    public string DomainOp(string domain, string opType, params string[] inputs) => DomainOp(domain, opType, inputs, []);

    /// <summary>Adds a node of operator set <paramref name="domain"/> with attributes and one output; returns its name.</summary>
    public string DomainOp(string domain, string opType, string[] inputs, params AttributeProto[] attributes)
    {
        if (!Model.OpsetImport.Any(o => o.Domain == domain))
        {
            Model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = 1 });
        }

        string output = UniqueName(opType);
        AddNode(opType, inputs, [output], attributes.Length > 0 ? attributes : null, domain);
        return output;
    }

    /// <summary>Adds a node with explicitly named outputs (already reserved or new) and returns it.</summary>
    public NodeProto AddNode(string opType, IEnumerable<string> inputs, IEnumerable<string> outputs,
        IEnumerable<AttributeProto>? attributes = null, string domain = "")
    {
        var node = new NodeProto { OpType = opType, Name = UniqueName($"{opType}_node") };
        if (domain.Length > 0)
        {
            node.Domain = domain;
        }

        node.Input.AddRange(inputs);
        foreach (var o in outputs)
        {
            usedNames.Add(o);
            node.Output.Add(o);
        }

        if (attributes is not null)
        {
            node.Attribute.AddRange(attributes);
        }

        Graph.Node.Add(node);
        return node;
    }

    /// <summary>Builds a value-info record (name, element type, shape or no shape).</summary>
    public static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, Dim[]? dims)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (dims is not null)
        {
            var shape = new TensorShapeProto();
            foreach (var d in dims)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (d.Param is not null)
                {
                    dim.DimParam = d.Param;
                }
                else if (d.Value >= 0)
                {
                    dim.DimValue = d.Value;
                }

                shape.Dim.Add(dim);
            }

            tensorType.Shape = shape;
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }

    private string Generated<T>(string hint, ReadOnlySpan<T> data, params long[] dims) where T : unmanaged
    {
        var tensor = Tensors.Create(UniqueName(hint), data, dims);
        Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private sealed class ScopeHandle(Stack<string> scopes) : IDisposable
    {
        private bool disposed;

        public void Dispose()
        {
            if (!disposed)
            {
                scopes.Pop();
                disposed = true;
            }
        }
    }
}
