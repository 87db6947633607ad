using System.Globalization;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Checking;

/// <summary>Checks <see cref="GradientGraph"/>'s analytic gradients against central finite differences.</summary>
/// <remarks>Runs nothing itself: the caller's <see cref="ModelEvaluator"/> runs the models. Every float output Yₖ of the
/// forward model is projected on a fixed random Rₖ (loss = Σₖ Σ Yₖ ⊙ Rₖ), so all outputs are checked at once.</remarks>
public static class FiniteDifferenceChecker
{
    /// <summary>The name of the projected scalar loss the checker adds.</summary>
    public const string LossName = "fd_check_loss";

    /// <summary>Draws seeded random inputs for every graph input of <paramref name="forward"/> and compares, entry by
    /// entry, each trainable's analytic gradient with central differences.</summary>
    /// <remarks>A <c>reference</c> model (same inputs and outputs), when given, is what the finite differences measure instead
    /// of the forward model: e.g. the dequantized float definition of a quantized operator, whose own output is piecewise
    /// constant in its input.</remarks>
    public static GradientCheckResult Check(ModelProto forward, IReadOnlyList<string> trainables, ModelEvaluator evaluate,
        IReadOnlyDictionary<string, InputDomain>? domains = null, FiniteDifferenceOptions? options = null, ModelProto? reference = null)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(evaluate);
        options ??= new FiniteDifferenceOptions();
        var rng = new Random(options.Seed);
        var inputs = DrawInputs(forward, domains, rng);
        var projections = DrawProjections(forward, evaluate(forward, inputs), rng);
        var projected = Project(forward, projections);
        var gradModel = GradientGraph.Build(projected, LossName, trainables);
        var analytic = evaluate(gradModel, inputs);
        var (fdModel, fdInputs) = ExposeInitializers(reference is null ? projected : Project(reference, projections), trainables, inputs);

        double maxAbs = 0, maxRel = 0;
        int entries = 0;
        string worst = "none";
        foreach (var t in trainables)
        {
            double[] g = analytic[t + ".grad"];
            double[] x = fdInputs[t];
            var fd = new double[x.Length];
            for (int j = 0; j < x.Length; j++)
            {
                double keep = x[j];
                x[j] = keep + options.Step;
                double plus = evaluate(fdModel, fdInputs)[LossName][0];
                x[j] = keep - options.Step;
                double minus = evaluate(fdModel, fdInputs)[LossName][0];
                x[j] = keep;
                fd[j] = (plus - minus) / (2 * options.Step);
            }

            if (g.Length != fd.Length)
            {
                throw new InvalidOperationException($"Gradient '{t}.grad' has {g.Length} entries, the trainable {fd.Length}.");
            }

            double scaleFloor = options.Floor * Math.Max(fd.Max(Math.Abs), 1e-12);
            for (int j = 0; j < fd.Length; j++)
            {
                double abs = Math.Abs(g[j] - fd[j]);
                double rel = abs / Math.Max(Math.Abs(fd[j]), scaleFloor);
                maxAbs = Math.Max(maxAbs, abs);
                if (rel > maxRel || entries == 0)
                {
                    maxRel = Math.Max(rel, maxRel);
                    worst = string.Create(CultureInfo.InvariantCulture, $"{t}[{j}] analytic {g[j]:G6} vs fd {fd[j]:G6}");
                }

                entries++;
            }
        }

        return new GradientCheckResult(maxAbs, maxRel, entries, options.Seed, worst, options.Tolerance);
    }

    private static Dictionary<string, double[]> DrawInputs(ModelProto model, IReadOnlyDictionary<string, InputDomain>? domains, Random rng)
    {
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var v in model.Graph.Input.Where(v => !initializers.Contains(v.Name)))
        {
            var tt = v.Type.TensorType;
            long count = 1;
            foreach (var d in tt.Shape.Dim)
            {
                count *= d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? d.DimValue
                    : throw new ArgumentException($"Graph input '{v.Name}': dimension '{d}' is not fixed; checks need fixed shapes.");
            }

            var type = (DataType)tt.ElemType;
            var domain = domains?.GetValueOrDefault(v.Name)
                ?? (type is DataType.Float or DataType.Double ? InputDomain.Uniform : type == DataType.Bool ? InputDomain.Mask
                : throw new ArgumentException($"Graph input '{v.Name}' ({type}) needs an InputDomain (indices need a bound)."));
            inputs[v.Name] = [.. Enumerable.Range(0, (int)count).Select(_ => domain.Draw(rng))];
        }

        return inputs;
    }

    /// <summary>A fixed random Rₖ per float output Yₖ (in output order), uniform in [-1, 1].</summary>
    private static List<(string Output, double[] R)> DrawProjections(ModelProto forward, IReadOnlyDictionary<string, double[]> values, Random rng)
    {
        var facts = OutputFacts(forward);
        var projections = new List<(string, double[])>();
        foreach (var o in forward.Graph.Output)
        {
            var type = facts.TryGetValue(o.Name, out var f) ? f.Type : (DataType)o.Type.TensorType.ElemType;
            if (type is DataType.Float or DataType.Double)
            {
                projections.Add((o.Name, [.. Enumerable.Range(0, values[o.Name].Length).Select(_ => (2 * rng.NextDouble()) - 1)]));
            }
        }

        return projections.Count > 0 ? projections : throw new ArgumentException("The forward model has no float output to check.", nameof(forward));
    }

    /// <summary>Appends loss = Σₖ Σ double(reshape(Yₖ, [-1])) ⊙ Rₖ over the float outputs (summed in double, so float32
    /// cases lose no precision there) and makes it the only output.</summary>
    private static ModelProto Project(ModelProto forward, List<(string Output, double[] R)> projections)
    {
        var model = forward.Clone();
        var g = GraphBuilder.Wrap(model);
        var facts = OutputFacts(model);
        var terms = new List<string>();
        foreach (var (output, r) in projections)
        {
            var type = facts.TryGetValue(output, out var f) ? f.Type : (DataType)model.Graph.Output.First(o => o.Name == output).Type.TensorType.ElemType;
            string rName = g.UniqueName($"{output}_projection_values");
            model.Graph.Initializer.Add(Tensors.Create<double>(rName, r, [r.Length]));
            string flat = g.Op("Reshape", output, g.ConstInt64(-1));
            string wide = type == DataType.Double ? flat : g.Op("Cast", [flat], Attr.Int("to", (long)DataType.Double));
            terms.Add(g.Op("ReduceSum", [g.Op("Mul", wide, rName)], Attr.Int("keepdims", 0)));
        }

        string loss = terms.Count == 1 ? terms[0] : g.Op("Sum", [.. terms]);
        g.AddNode("Identity", [loss], [LossName]);
        model.Graph.Output.Clear();
        g.Output(LossName, DataType.Double, []);
        return model;
    }

    private static Dictionary<string, ValueFacts> OutputFacts(ModelProto model)
    {
        var order = new GraphIndex(model.Graph).TopologicalOrder();
        return FactsInference.Infer(model.Graph, order, new ConstantLookup(model.Graph, new HashSet<string>()));
    }

    /// <summary>Turns trainable initializers into graph inputs so finite differences can perturb them.</summary>
    private static (ModelProto Model, Dictionary<string, double[]> Inputs) ExposeInitializers(ModelProto projected, IReadOnlyList<string> trainables, Dictionary<string, double[]> inputs)
    {
        var model = projected.Clone();
        var values = inputs.ToDictionary(kv => kv.Key, kv => (double[])kv.Value.Clone(), StringComparer.Ordinal);
        foreach (var t in trainables)
        {
            var init = model.Graph.Initializer.FirstOrDefault(i => i.Name == t);
            if (init is null)
            {
                continue;
            }

            var type = (DataType)init.DataType;
            values[t] = type == DataType.Double ? Tensors.ToArray<double>(init) : [.. Tensors.ToArray<float>(init).Select(v => (double)v)];
            model.Graph.Initializer.Remove(init);
            model.Graph.Input.Add(GraphBuilder.ValueInfo(t, type, [.. init.Dims.Select(d => (Dim)d)]));
        }

        return (model, values);
    }
}
