using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff;

/// <summary>Builds training graphs: forward + loss + reverse-mode gradients of trainable tensors, in standard ONNX operators.</summary>
public static class GradientGraph
{
    /// <summary>Name prefix of every node and value the backward pass emits.</summary>
    public const string BackwardScope = "backward";

    /// <summary>The oldest default-domain opset the emitted nodes are valid in (ReduceMean axes as an input, ScatterElements reduction).</summary>
    public const int MinimumOpset = 18;

    /// <summary>Returns a new model (the forward cloned) whose outputs are the loss, <paramref name="extraOutputs"/>, and
    /// <c>&lt;name&gt;.grad</c> for every trainable (graph input or initializer), shaped like the trainable.</summary>
    /// <exception cref="NotSupportedException">A node on a path from a trainable to the loss has no gradient rule.</exception>
    public static ModelProto Build(ModelProto forward, string lossOutput, IReadOnlyList<string> trainables,
        IReadOnlyList<string>? extraOutputs = null, GradientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(trainables);
        options ??= new GradientOptions();
        extraOutputs ??= [];
        var model = forward.Clone();
        var graph = model.Graph ?? throw new ArgumentException("The forward model has no graph.", nameof(forward));
        long opset = model.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx")?.Version ?? 0;
        if (opset < MinimumOpset)
        {
            throw new NotSupportedException($"Graph '{graph.Name}': default-domain opset is {opset}, the emitted backward needs {MinimumOpset} or later.");
        }

        NameNodes(graph);
        var order = new GraphIndex(graph).TopologicalOrder();
        graph.Node.Clear();
        graph.Node.AddRange(order);
        int forwardCount = graph.Node.Count;
        var trainableSet = Validate(graph, lossOutput, trainables, extraOutputs);

        var constants = new ConstantLookup(graph, trainableSet);
        var facts = FactsInference.Infer(graph, order, constants);
        if (facts.GetValueOrDefault(lossOutput)?.Dims is { } ld && !(ld.Length == 0 || (ld.Length == 1 && ValueFacts.Is(ld[0], 1))))
        {
            throw new ArgumentException($"Graph '{graph.Name}': loss '{lossOutput}' must be a scalar or [1], but has shape [{string.Join(",", ld)}].", nameof(lossOutput));
        }

        var differentiable = Differentiable(order, trainableSet, facts);
        var onPath = OnGradientPath(order, differentiable, lossOutput);
        foreach (var n in onPath.Where(n => !GradientRules.TryGet(n.OpType, n.Domain, out _)))
        {
            throw new NotSupportedException($"Node '{n.Name}' ({(n.Domain.Length > 0 ? n.Domain + "." : "")}{n.OpType}) is on the gradient path to '{lossOutput}' but operator {n.OpType} has no gradient rule.");
        }

        var builder = GraphBuilder.Wrap(model);
        var gradNames = trainables.Select(t => builder.Reserve(t + options.GradientSuffix)).ToList();
        var pass = new BackwardPass(builder, facts, constants, differentiable) { MaxGemmDepth = options.MaxGemmDepth };
        EmitBackward(pass, onPath, lossOutput);

        var outputs = extraOutputs.Prepend(lossOutput).Distinct(StringComparer.Ordinal).Select(v => OutputInfo(v, pass.TryFacts(v))).ToList();
        var finals = new string[trainables.Count];
        var zero = new bool[trainables.Count];
        using (builder.Scope(BackwardScope))
        {
            for (int i = 0; i < trainables.Count; i++)
            {
                zero[i] = pass.Total(trainables[i]) is null;
                finals[i] = pass.Total(trainables[i]) ?? pass.Zeros(trainables[i]);
                if (zero[i])
                {
                    options.OnNote?.Invoke($"Trainable '{trainables[i]}': the loss '{lossOutput}' does not depend on it; its gradient is zero.");
                }
            }
        }

        for (int i = 0; i < trainables.Count; i++)
        {
            bool shared = finals.Count(f => f == finals[i]) > 1;
            Rename(graph, forwardCount, finals[i], gradNames[i], builder, shared);
            var info = OutputInfo(gradNames[i], pass.TryFacts(trainables[i]));
            if (zero[i])
            {
                info.DocString = "Zero: the loss does not depend on this trainable.";
            }

            outputs.Add(info);
        }

        graph.Output.Clear();
        graph.Output.AddRange(outputs);
        if (options.RemoveDeadNodes)
        {
            DeadCode.Remove(graph, trainableSet);
        }

        return model;
    }

    /// <summary>Checks trainables and requested outputs exist; returns the trainables as a set.</summary>
    private static HashSet<string> Validate(GraphProto graph, string lossOutput, IReadOnlyList<string> trainables, IReadOnlyList<string> extraOutputs)
    {
        var index = new GraphIndex(graph);
        var set = trainables.ToHashSet(StringComparer.Ordinal);
        if (set.Count != trainables.Count)
        {
            throw new ArgumentException($"Graph '{graph.Name}': trainables list a tensor twice: {string.Join(", ", trainables.GroupBy(t => t).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'"))}.", nameof(trainables));
        }

        foreach (var t in trainables.Where(t => !index.IsGraphInput(t) && !index.IsInitializer(t)))
        {
            throw new ArgumentException($"Graph '{graph.Name}': trainable '{t}' is neither a graph input nor an initializer.", nameof(trainables));
        }

        foreach (var v in extraOutputs.Append(lossOutput).Where(v => index.Producer(v) is null && !index.IsGraphInput(v) && !index.IsInitializer(v)))
        {
            throw new ArgumentException($"Graph '{graph.Name}': output '{v}' is not a value of the graph.", nameof(extraOutputs));
        }

        return set;
    }

    /// <summary>Seeds d loss = 1 and runs every rule on the path in reverse topological order.</summary>
    private static void EmitBackward(BackwardPass pass, List<NodeProto> onPath, string lossOutput)
    {
        var builder = pass.Builder;
        using var scope = builder.Scope(BackwardScope);
        pass.Contribute(lossOutput, Seed(pass, lossOutput));
        foreach (var n in onPath.AsEnumerable().Reverse())
        {
            var grads = n.Output.Select(o => o.Length > 0 ? pass.Total(o) : null).ToArray();
            if (grads.All(g => g is null))
            {
                continue;
            }

            GradientRules.TryGet(n.OpType, n.Domain, out var rule);
            using var nodeScope = builder.Scope(n.Name);
            try
            {
                rule!.Emit(new GradientContext(pass, n, grads));
            }
            catch (Exception e) when (e is not NotSupportedException and not OutOfMemoryException)
            {
                throw new InvalidOperationException($"Node '{n.Name}' ({n.OpType}): emitting its gradient failed: {e.Message}", e);
            }
        }
    }

    private static void NameNodes(GraphProto graph)
    {
        var used = graph.Node.Where(n => n.Name.Length > 0).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        int k = 0;
        foreach (var n in graph.Node.Where(n => n.Name.Length == 0))
        {
            string name;
            do
            {
                name = $"{n.OpType}_{k++}";
            }
            while (!used.Add(name));
            n.Name = name;
        }
    }

    private static bool IsFloat(DataType t) =>
        t is DataType.Float or DataType.Double or DataType.Float16 or DataType.Bfloat16;

    /// <summary>Values that depend differentiably on a trainable.</summary>
    private static HashSet<string> Differentiable(IReadOnlyList<NodeProto> order, HashSet<string> trainables, Dictionary<string, ValueFacts> facts)
    {
        var set = new HashSet<string>(trainables, StringComparer.Ordinal);
        foreach (var n in order)
        {
            if (GradientRules.IsNonDifferentiable(n.OpType) || !n.Input.Any(set.Contains))
            {
                continue;
            }

            foreach (var o in n.Output.Where(o => o.Length > 0 && (!facts.TryGetValue(o, out var f) || IsFloat(f.Type))))
            {
                set.Add(o);
            }
        }

        return set;
    }

    /// <summary>Nodes (in topological order) with an input that depends on a trainable and an output the loss depends on.</summary>
    private static List<NodeProto> OnGradientPath(IReadOnlyList<NodeProto> order, HashSet<string> differentiable, string loss)
    {
        var reachesLoss = new HashSet<string>(StringComparer.Ordinal) { loss };
        var path = new List<NodeProto>();
        foreach (var n in order.Reverse())
        {
            if (!n.Output.Any(reachesLoss.Contains))
            {
                continue;
            }

            reachesLoss.UnionWith(n.Input);
            if (n.Input.Any(differentiable.Contains) && n.Output.Any(o => reachesLoss.Contains(o) && differentiable.Contains(o)))
            {
                path.Add(n);
            }
        }

        path.Reverse();
        return path;
    }

    private static string Seed(BackwardPass pass, string loss)
    {
        var f = pass.Facts(loss);
        // dLoss = 1
        if (f.Dims is { Length: 1 })
        {
            string name = pass.Builder.UniqueName("seed");
            pass.Builder.Graph.Initializer.Add(f.Type == DataType.Double
                ? Tensors.Create<double>(name, [1.0], [1])
                : Tensors.Create<float>(name, [1f], [1]));
            pass.Record(name, new ValueFacts(f.Type, [1]));
            return name;
        }

        return pass.Scalar(1.0, f.Type);
    }

    private static ValueInfoProto OutputInfo(string name, ValueFacts? f) =>
        GraphBuilder.ValueInfo(name, f?.Type ?? DataType.Float, f?.Dims);

    /// <summary>Gives the gradient value its public name: renames the emitting backward node's output, or adds an Identity.</summary>
    private static void Rename(GraphProto graph, int forwardCount, string value, string name, GraphBuilder builder, bool shared)
    {
        var producers = graph.Node.Skip(forwardCount).Where(n => n.Output.Contains(value)).ToList();
        bool consumed = graph.Node.Any(n => n.Input.Contains(value));
        bool isGraphValue = graph.Input.Any(v => v.Name == value) || graph.Initializer.Any(t => t.Name == value) || graph.Output.Any(v => v.Name == value);
        if (producers.Count == 1 && !consumed && !isGraphValue && !shared)
        {
            var n = producers[0];
            n.Output[n.Output.IndexOf(value)] = name;
            return;
        }

        builder.AddNode("Identity", [value], [name]);
    }
}
