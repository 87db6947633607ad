using System.Globalization;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Checking;

/// <summary>A named single-operator gradient check: op, inputs (shapes, domains, which are trainable), attributes,
/// precision and tolerance.</summary>
public sealed record GradientCheckCase(string Name, string OpType, IReadOnlyList<CheckInput> Inputs, IReadOnlyList<AttributeProto> Attributes,
    DataType Precision = DataType.Double, double Tolerance = 1e-5, int OutputCount = 1, string Domain = "")
{
    /// <summary>True when finite differences measure <see cref="DequantizedReference"/> of the model (a quantized operator,
    /// whose own output is piecewise constant in its float input).</summary>
    public bool Dequantized { get; init; }

    /// <summary>Entries' errors are relative to at least this fraction of the largest |gradient| (<see cref="FiniteDifferenceOptions.Floor"/>).</summary>
    public double Floor { get; init; } = new FiniteDifferenceOptions().Floor;

    /// <summary>Names of the inputs that get gradients.</summary>
    public IReadOnlyList<string> Trainables => [.. Inputs.Select((c, i) => (c, i)).Where(p => p.c.Trainable).Select(p => InputName(p.i))];

    /// <summary>Shapes of the random inputs, e.g. "[2,3] [3]".</summary>
    public string Shapes => string.Join(" ", Inputs.Where(c => c.Constant is null && !c.Absent).Select(c => $"[{string.Join(",", c.Shape)}]"));

    /// <summary>The finite-difference settings for this case's precision (float32 takes a larger step).</summary>
    public FiniteDifferenceOptions Options(int seed = 20260523) => new()
    {
        Seed = seed,
        Step = Precision == DataType.Double ? 1e-6 : 1e-2,
        Tolerance = Tolerance,
        Floor = Floor,
    };

    /// <summary>The random-input domains by input name.</summary>
    public IReadOnlyDictionary<string, InputDomain> Domains =>
        Inputs.Select((c, i) => (c, i)).Where(p => p.c.Constant is null && !p.c.Absent).ToDictionary(p => InputName(p.i), p => p.c.Domain);

    /// <summary>A model holding the one node, its inputs (graph inputs or initializers) and all its outputs.</summary>
    public ModelProto BuildModel()
    {
        var g = new GraphBuilder(Name.Replace(' ', '_'));
        var names = new List<string>();
        for (int i = 0; i < Inputs.Count; i++)
        {
            var c = Inputs[i];
            string name = InputName(i);
            var type = c.Type ?? Precision;
            if (c.Absent)
            {
                names.Add("");
            }
            else if (c.Constant is { } values)
            {
                g.Initializer(type switch
                {
                    DataType.Int64 => Tensors.Create<long>(name, values.Select(v => (long)v).ToArray(), c.Shape),
                    DataType.Bool => Tensors.Create<bool>(name, values.Select(v => v != 0).ToArray(), c.Shape),
                    DataType.Int8 => Tensors.Create<sbyte>(name, values.Select(v => (sbyte)v).ToArray(), c.Shape),
                    DataType.Float => Tensors.Create<float>(name, values.Select(v => (float)v).ToArray(), c.Shape),
                    _ => Tensors.Create<double>(name, values, c.Shape),
                });
                names.Add(name);
            }
            else
            {
                names.Add(g.Input(name, type, [.. c.Shape.Select(d => (Dim)d)]));
            }
        }

        var outputs = Enumerable.Range(0, OutputCount).Select(i => $"y{i}").ToArray();
        g.AddNode(OpType, names, outputs, Attributes, Domain);
        if (Domain.Length > 0)
        {
            g.Model.OpsetImport.Add(new OperatorSetIdProto { Domain = Domain, Version = 1 });
        }

        var order = new GraphIndex(g.Graph).TopologicalOrder();
        var facts = FactsInference.Infer(g.Graph, order, new ConstantLookup(g.Graph, new HashSet<string>()));
        foreach (var o in outputs)
        {
            var f = facts[o];
            g.Output(o, f.Type, f.Dims);
        }

        return g.Model;
    }

    /// <summary>The model finite differences measure: <see cref="BuildModel"/>'s, dequantized when <see cref="Dequantized"/>; null when the same.</summary>
    public ModelProto? BuildReference() => Dequantized ? DequantizedReference.Of(BuildModel()) : null;

    /// <summary>"Op [shapes]" for listings.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {OpType} {Shapes}");

    private static string InputName(int i) => $"x{i}";
}
