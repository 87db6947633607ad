using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Checking;

/// <summary>The table of single-operator gradient checks shared by the tests and <c>onnxoll gradcheck</c>.</summary>
/// <remarks>Double precision wherever ORT has float64 kernels; Conv and Erf run in float32 with a looser tolerance.</remarks>
public static class GradientCheckCases
{
    /// <summary>Tolerance of float32 cases (step 1e-2).</summary>
    public const double Float32Tolerance = 1e-2;

    /// <summary>The broadcast matrix every binary elementwise op runs: (shape of A, shape of B).</summary>
    public static IReadOnlyList<(long[] A, long[] B)> BroadcastShapes { get; } =
    [
        ([2, 3], [2, 3]), ([2, 3], [3]), ([2, 3], [1]), ([2, 3], []), ([3], [2, 3]),
        ([2, 1, 3], [4, 1]), ([1, 3], [2, 1]), ([2, 3, 4], [2, 1, 4]),
    ];

    /// <summary>Every case, each with a unique name.</summary>
    public static IReadOnlyList<GradientCheckCase> All { get; } = [.. Binary(), .. MatMuls(), .. Unary(), .. Structural(), .. Normalisation(), .. Float32(), .. Quantized()];

    /// <summary>Tolerance of the int8 cases, relative to at least <see cref="Int8Floor"/> of the largest entry: the rule's input
    /// gradient runs through an int8 product whose float input is rounded to 8 bits at run time (per row after scaling), so
    /// an entry's error is a fraction of a rounding step of its row times Σ|W|, not of the entry itself.</summary>
    public const double Int8Tolerance = 3e-2;

    /// <summary>The error floor of the int8 cases (see <see cref="Int8Tolerance"/>).</summary>
    public const double Int8Floor = 0.25;

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static GradientCheckCase Get(string name) =>
        All.FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"No gradient check case named '{name}'.");

    private static GradientCheckCase Case(string name, string op, CheckInput[] inputs, params AttributeProto[] attrs) => new(name, op, inputs, attrs);

    private static string Text(long[] shape) => $"[{string.Join(",", shape)}]";

    private static IEnumerable<GradientCheckCase> Binary()
    {
        var ops = new (string Op, InputDomain A, InputDomain B)[]
        {
            ("Add", InputDomain.Uniform, InputDomain.Uniform), ("Sub", InputDomain.Uniform, InputDomain.Uniform),
            ("Mul", InputDomain.Uniform, InputDomain.Uniform), ("Div", InputDomain.Uniform, InputDomain.AwayFromZero),
            ("Pow", InputDomain.Positive, InputDomain.Uniform), ("Max", InputDomain.Uniform, InputDomain.Uniform),
            ("Min", InputDomain.Uniform, InputDomain.Uniform),
        };
        foreach (var (op, da, db) in ops)
        {
            foreach (var (a, b) in BroadcastShapes)
            {
                yield return Case($"{op} {Text(a)} {Text(b)}", op, [CheckInput.Train(da, a), CheckInput.Train(db, b)]);
            }
        }

        yield return Case("Pow constant 3", "Pow", [CheckInput.Train(2, 3), CheckInput.Scalar(3)]);
        yield return Case("Pow constant 2", "Pow", [CheckInput.Train(2, 3), CheckInput.Scalar(2)]);
        yield return Case("Pow constant -0.5", "Pow", [CheckInput.Train(InputDomain.Positive, 2, 3), CheckInput.Scalar(-0.5)]);
        yield return Case("Sum 3 inputs", "Sum", [CheckInput.Train(2, 3), CheckInput.Train(3), CheckInput.Train(2, 1)]);
        yield return Case("Where", "Where", [CheckInput.Mask(2, 3), CheckInput.Train(2, 3), CheckInput.Train(3)]);
        yield return Case("Add frozen B", "Add", [CheckInput.Train(2, 3), CheckInput.Frozen(InputDomain.Uniform, 3)]);
    }

    private static IEnumerable<GradientCheckCase> MatMuls()
    {
        var shapes = new (long[] A, long[] B)[]
        {
            ([3, 4], [4, 5]), ([2, 3, 4], [4, 5]), ([2, 3, 4], [2, 4, 5]), ([2, 1, 3, 4], [3, 4, 5]),
            ([3, 4], [2, 4, 5]), ([4], [4, 5]), ([4], [2, 4, 5]), ([2, 3, 4], [4]), ([4], [4]),
        };
        foreach (var (a, b) in shapes)
        {
            yield return Case($"MatMul {Text(a)} {Text(b)}", "MatMul", [CheckInput.Train(a), CheckInput.Train(b)]);
        }

        foreach (var (ta, tb) in new[] { (0, 0), (1, 0), (0, 1), (1, 1) })
        {
            long[] a = ta == 1 ? [4, 3] : [3, 4], b = tb == 1 ? [5, 4] : [4, 5];
            yield return Case($"Gemm transA={ta} transB={tb}", "Gemm", [CheckInput.Train(a), CheckInput.Train(b), CheckInput.Train(5)],
                Attr.Int("transA", ta), Attr.Int("transB", tb), Attr.Float("alpha", 0.5f), Attr.Float("beta", 2f));
        }

        yield return Case("Gemm C [3,5]", "Gemm", [CheckInput.Train(3, 4), CheckInput.Train(4, 5), CheckInput.Train(3, 5)]);
        yield return Case("Gemm no C", "Gemm", [CheckInput.Train(3, 4), CheckInput.Train(5, 4)], Attr.Int("transB", 1));
    }

    private static IEnumerable<GradientCheckCase> Unary()
    {
        var ops = new (string Op, InputDomain D)[]
        {
            ("Neg", InputDomain.Uniform), ("Sqrt", InputDomain.Positive), ("Exp", InputDomain.Uniform), ("Log", InputDomain.Positive),
            ("Sigmoid", InputDomain.Uniform), ("Tanh", InputDomain.Uniform), ("Relu", InputDomain.AwayFromZero),
            ("Abs", InputDomain.AwayFromZero), ("Reciprocal", InputDomain.AwayFromZero), ("Identity", InputDomain.Uniform),
        };
        foreach (var (op, d) in ops)
        {
            yield return Case($"{op} [2,3,4]", op, [CheckInput.Train(d, 2, 3, 4)]);
        }

        yield return Case("Cast double->double", "Cast", [CheckInput.Train(2, 3)], Attr.Int("to", (long)DataType.Double));
        yield return Case("Dropout inference", "Dropout", [CheckInput.Train(2, 3)]);
        yield return Case("Dropout training_mode=false", "Dropout", [CheckInput.Train(2, 3), CheckInput.Scalar(0.3), CheckInput.Flag(false)]);
    }

    private static IEnumerable<GradientCheckCase> Structural()
    {
        long[] x = [2, 3, 4];
        yield return Case("Reshape [2,3,4]->[6,4]", "Reshape", [CheckInput.Train(x), CheckInput.Ints(6, -1)]);
        yield return Case("Flatten axis=2", "Flatten", [CheckInput.Train(x)], Attr.Int("axis", 2));
        yield return Case("Unsqueeze [1]", "Unsqueeze", [CheckInput.Train(x), CheckInput.Ints(1)]);
        yield return Case("Squeeze [1]", "Squeeze", [CheckInput.Train(2, 1, 3), CheckInput.Ints(1)]);
        yield return Case("Transpose [2,0,1]", "Transpose", [CheckInput.Train(x)], Attr.Ints("perm", 2, 0, 1));
        yield return Case("Transpose default", "Transpose", [CheckInput.Train(x)]);
        yield return Case("Concat axis=1", "Concat", [CheckInput.Train(2, 3), CheckInput.Train(2, 2), CheckInput.Frozen(InputDomain.Uniform, 2, 1)], Attr.Int("axis", 1));
        yield return Case("Concat axis=-1 same input twice", "Concat", [CheckInput.Train(2, 3), CheckInput.Train(2, 3)], Attr.Int("axis", -1));
        yield return Case("Slice", "Slice", [CheckInput.Train(4, 5), CheckInput.Ints(1, -3), CheckInput.Ints(3, 5), CheckInput.Ints(0, 1)]);
        yield return Case("Slice axis 1 only", "Slice", [CheckInput.Train(x), CheckInput.Ints(0), CheckInput.Ints(1), CheckInput.Ints(1)]);
        yield return new GradientCheckCase("Split [2,3] axis=1", "Split", [CheckInput.Train(2, 5), CheckInput.Ints(2, 3)], [Attr.Int("axis", 1)], OutputCount: 2);
        yield return new GradientCheckCase("Split num_outputs=3", "Split", [CheckInput.Train(6, 2)], [Attr.Int("num_outputs", 3)], OutputCount: 3);
        yield return Case("Gather axis=0", "Gather", [CheckInput.Train(5, 3), CheckInput.Indices(5, 2, 4)]);
        yield return Case("Gather axis=1", "Gather", [CheckInput.Train(2, 5, 3), CheckInput.Indices(5, 4)], Attr.Int("axis", 1));
        yield return Case("Gather scalar index", "Gather", [CheckInput.Train(2, 5, 3), CheckInput.Indices(5)], Attr.Int("axis", 1));
        yield return Case("GatherElements axis=1", "GatherElements", [CheckInput.Train(3, 4), CheckInput.Indices(4, 3, 5)], Attr.Int("axis", 1));
        yield return new GradientCheckCase("TopK k=2 axis=-1", "TopK", [CheckInput.Train(3, 5), CheckInput.Ints(2)], [], OutputCount: 2);
        yield return new GradientCheckCase("TopK k=1 axis=0 smallest", "TopK", [CheckInput.Train(4, 3), CheckInput.Ints(1)],
            [Attr.Int("axis", 0), Attr.Int("largest", 0)], OutputCount: 2);
        // Distinct indices per row (reduction none) from a permutation: each row of the [3, 4] data gets 2 of its columns written.
        yield return Case("ScatterElements axis=1", "ScatterElements",
            [CheckInput.Train(3, 4), CheckInput.Values(DataType.Int64, [2, 0, 1, 3, 3, 2], 3, 2), CheckInput.Train(3, 2)], Attr.Int("axis", 1));
        yield return Case("ScatterElements axis=0 add", "ScatterElements",
            [CheckInput.Train(3, 2), CheckInput.Indices(3, 4, 2), CheckInput.Train(4, 2)], Attr.String("reduction", "add"));
        yield return Case("Expand", "Expand", [CheckInput.Train(3, 1), CheckInput.Ints(2, 3, 4)]);
        yield return Case("ReduceSum axes=[1]", "ReduceSum", [CheckInput.Train(x), CheckInput.Ints(1)], Attr.Int("keepdims", 0));
        yield return Case("ReduceSum axes=[0,2] keepdims", "ReduceSum", [CheckInput.Train(x), CheckInput.Ints(0, 2)]);
        yield return Case("ReduceSum all", "ReduceSum", [CheckInput.Train(x)], Attr.Int("keepdims", 0));
        yield return Case("ReduceMean axes=[-1]", "ReduceMean", [CheckInput.Train(x), CheckInput.Ints(-1)], Attr.Int("keepdims", 0));
        yield return Case("ReduceMean all keepdims", "ReduceMean", [CheckInput.Train(x)]);
        yield return Case("ReduceMax axes=[1]", "ReduceMax", [CheckInput.Train(x), CheckInput.Ints(1)], Attr.Int("keepdims", 0));
        yield return Case("ReduceMin all keepdims", "ReduceMin", [CheckInput.Train(x)]);
        yield return Case("Clip [-0.5, 0.5]", "Clip", [CheckInput.Train(x), CheckInput.Scalar(-0.5), CheckInput.Scalar(0.5)]);
        yield return Case("Clip max only", "Clip", [CheckInput.Train(x), CheckInput.None, CheckInput.Scalar(0.25)]);
        yield return Case("ReduceL2 axes=[-1]", "ReduceL2", [CheckInput.Train(x), CheckInput.Ints(-1)]);
        yield return Case("ReduceL2 axes=[1] no keepdims", "ReduceL2", [CheckInput.Train(x), CheckInput.Ints(1)], Attr.Int("keepdims", 0));
    }

    private static IEnumerable<GradientCheckCase> Normalisation()
    {
        long[] x = [2, 3, 4];
        foreach (long axis in new long[] { -1, 0, 1, 2 })
        {
            yield return Case($"Softmax axis={axis}", "Softmax", [CheckInput.Train(x)], Attr.Int("axis", axis));
        }

        yield return Case("LogSoftmax axis=-1", "LogSoftmax", [CheckInput.Train(x)]);
        yield return Case("LogSoftmax axis=1", "LogSoftmax", [CheckInput.Train(x)], Attr.Int("axis", 1));
        yield return Case("LayerNormalization axis=-1", "LayerNormalization", [CheckInput.Train(x), CheckInput.Train(4), CheckInput.Train(4)]);
        yield return Case("LayerNormalization axis=1", "LayerNormalization", [CheckInput.Train(x), CheckInput.Train(3, 4), CheckInput.Train(3, 4)], Attr.Int("axis", 1), Attr.Float("epsilon", 1e-3f));
        yield return Case("LayerNormalization no bias", "LayerNormalization", [CheckInput.Train(x), CheckInput.Train(4)]);
        yield return Case("SoftmaxCrossEntropyLoss mean", "SoftmaxCrossEntropyLoss", [CheckInput.Train(4, 5), CheckInput.Indices(5, 4)], Attr.String("reduction", "mean"));
        yield return Case("SoftmaxCrossEntropyLoss sum [N,C,D]", "SoftmaxCrossEntropyLoss", [CheckInput.Train(2, 3, 4), CheckInput.Indices(3, 2, 4)], Attr.String("reduction", "sum"));
        yield return Case("SoftmaxCrossEntropyLoss none", "SoftmaxCrossEntropyLoss", [CheckInput.Train(4, 5), CheckInput.Indices(5, 4)], Attr.String("reduction", "none"));
        yield return new GradientCheckCase("SoftmaxCrossEntropyLoss with log_prob", "SoftmaxCrossEntropyLoss", [CheckInput.Train(4, 5), CheckInput.Indices(5, 4)], [], OutputCount: 2);
    }

    private static IEnumerable<GradientCheckCase> Float32()
    {
        GradientCheckCase F(string name, string op, CheckInput[] inputs, params AttributeProto[] attrs) =>
            new(name, op, inputs, attrs, DataType.Float, Float32Tolerance);

        yield return F("Erf [2,3,4] f32", "Erf", [CheckInput.Train(2, 3, 4)]);
        yield return F("Cast float->double f32", "Cast", [CheckInput.Train(2, 3)], Attr.Int("to", (long)DataType.Double));
        yield return F("LayerNormalization axis=-1 f32", "LayerNormalization", [CheckInput.Train(2, 3, 8), CheckInput.Train(8), CheckInput.Train(8)]);
        yield return F("Conv 3x3 stride 2 pad 1 f32", "Conv", [CheckInput.Train(2, 3, 7, 7), CheckInput.Train(4, 3, 3, 3), CheckInput.Train(4)],
            Attr.Ints("strides", 2, 2), Attr.Ints("pads", 1, 1, 1, 1));
        yield return F("Conv 2x2 dilation 2 f32", "Conv", [CheckInput.Train(1, 2, 6, 5), CheckInput.Train(3, 2, 2, 2)], Attr.Ints("dilations", 2, 2));
        yield return F("Conv patch 4x4 stride 4 f32", "Conv", [CheckInput.Train(2, 3, 8, 8), CheckInput.Train(5, 3, 4, 4)], Attr.Ints("strides", 4, 4));
        yield return F("MatMul [2,3,4] [4,5] f32", "MatMul", [CheckInput.Train(2, 3, 4), CheckInput.Train(4, 5)]);
        yield return F("Gather axis=0 f32", "Gather", [CheckInput.Train(5, 3), CheckInput.Indices(5, 2, 4)]);
        yield return F("GatherElements axis=0 f32", "GatherElements", [CheckInput.Train(3, 4), CheckInput.Indices(3, 5, 4)]);
        yield return F("SoftmaxCrossEntropyLoss mean f32", "SoftmaxCrossEntropyLoss", [CheckInput.Train(4, 5), CheckInput.Indices(5, 4)]);
        yield return F("Softmax axis=-1 f32", "Softmax", [CheckInput.Train(2, 3, 4)]);
        yield return new("QuickGelu alpha=1.702 f32", "QuickGelu", [CheckInput.Train(2, 3, 4)], [Attr.Float("alpha", 1.702f)], DataType.Float, Float32Tolerance, Domain: OnnxOpset.Microsoft);
        yield return new("QuickGelu default alpha f32", "QuickGelu", [CheckInput.Train(3, 5)], [], DataType.Float, Float32Tolerance, Domain: OnnxOpset.Microsoft);
    }

    private static IEnumerable<GradientCheckCase> Quantized()
    {
        // Symmetric int8 weights spanning the whole range, and positive per-column (or per-tensor) scales.
        static double[] Int8(int count) => [.. Enumerable.Range(0, count).Select(i => (double)(((i * 37) + 11) % 255) - 127)];
        static double[] Scales(int count) => [.. Enumerable.Range(0, count).Select(i => 0.002 + (0.001 * i))];
        GradientCheckCase Q(string name, CheckInput[] inputs) =>
            new(name, "DynamicQuantizeMatMul", inputs, [], DataType.Float, Int8Tolerance, Domain: OnnxOpset.Microsoft) { Dequantized = true, Floor = Int8Floor };

        yield return Q("DynamicQuantizeMatMul [2,3,8] [8,6] per column", [CheckInput.Train(2, 3, 8), CheckInput.Values(DataType.Int8, Int8(48), 8, 6), CheckInput.Values(DataType.Float, Scales(6), 6)]);
        yield return Q("DynamicQuantizeMatMul [5,16] [16,4] per tensor", [CheckInput.Train(5, 16), CheckInput.Values(DataType.Int8, Int8(64), 16, 4), CheckInput.Values(DataType.Float, [0.01])]);
        yield return Q("DynamicQuantizeMatMul [4,8] [8,6] + bias", [CheckInput.Train(4, 8), CheckInput.Values(DataType.Int8, Int8(48), 8, 6), CheckInput.Values(DataType.Float, Scales(6), 6), CheckInput.None, CheckInput.Train(6)]);
    }
}
