using OnnxOll.Autodiff.Rules;
using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff;

/// <summary>The registry of backward rules: one entry per ONNX operator (default domain) and per supported ONNX Runtime
/// contrib operator (<c>com.microsoft</c>), plus the operators whose outputs carry no gradient (shapes, comparisons, indices, constants).</summary>
public static class GradientRules
{
    private static readonly IGradientRule Reshape = new ReshapeGradient();

    private static readonly Dictionary<string, IGradientRule> Table = new(StringComparer.Ordinal)
    {
        ["Add"] = new AddSubGradient(subtract: false),
        ["Sub"] = new AddSubGradient(subtract: true),
        ["Sum"] = new SumGradient(),
        ["Mul"] = new MulGradient(),
        ["Div"] = new DivGradient(),
        ["Pow"] = new PowGradient(),
        ["Max"] = new MaxMinGradient(max: true),
        ["Min"] = new MaxMinGradient(max: false),
        ["Where"] = new WhereGradient(),
        ["Neg"] = new NegGradient(),
        ["Abs"] = new AbsGradient(),
        ["Reciprocal"] = new ReciprocalGradient(),
        ["Sqrt"] = new SqrtGradient(),
        ["Exp"] = new ExpGradient(),
        ["Log"] = new LogGradient(),
        ["Sigmoid"] = new SigmoidGradient(),
        ["Tanh"] = new TanhGradient(),
        ["Relu"] = new ReluGradient(),
        ["Erf"] = new ErfGradient(),
        ["Identity"] = new IdentityGradient(),
        ["Cast"] = new CastGradient(),
        ["Dropout"] = new DropoutGradient(),
        ["MatMul"] = new MatMulGradient(),
        ["Gemm"] = new GemmGradient(),
        ["Conv"] = new ConvGradient(),
        ["Softmax"] = new SoftmaxGradient(),
        ["LogSoftmax"] = new LogSoftmaxGradient(),
        ["LayerNormalization"] = new LayerNormalizationGradient(),
        ["SoftmaxCrossEntropyLoss"] = new SoftmaxCrossEntropyLossGradient(),
        ["ReduceSum"] = new ReduceSumGradient(),
        ["ReduceMean"] = new ReduceMeanGradient(),
        ["ReduceL2"] = new ReduceL2Gradient(),
        ["ReduceMax"] = new ReduceMaxMinGradient(),
        ["ReduceMin"] = new ReduceMaxMinGradient(),
        ["Clip"] = new ClipGradient(),
        ["Reshape"] = Reshape,
        ["Flatten"] = Reshape,
        ["Squeeze"] = Reshape,
        ["Unsqueeze"] = Reshape,
        ["Transpose"] = new TransposeGradient(),
        ["Concat"] = new ConcatGradient(),
        ["Split"] = new SplitGradient(),
        ["Slice"] = new SliceGradient(),
        ["Gather"] = new GatherGradient(),
        ["GatherElements"] = new GatherElementsGradient(),
        ["ScatterElements"] = new ScatterElementsGradient(),
        ["TopK"] = new TopKGradient(),
        ["Expand"] = new ExpandGradient(),
    };

    /// <summary>Rules of ONNX Runtime's <c>com.microsoft</c> operators.</summary>
    private static readonly Dictionary<string, IGradientRule> MicrosoftTable = new(StringComparer.Ordinal)
    {
        ["DynamicQuantizeMatMul"] = new DynamicQuantizeMatMulGradient(),
        ["QuickGelu"] = new QuickGeluGradient(),
    };

    private static readonly HashSet<string> NoGradient = new(StringComparer.Ordinal)
    {
        "Shape", "Size", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor",
        "ArgMax", "ArgMin", "NonZero", "Range", "ConstantOfShape", "Constant", "OneHot", "Floor", "Ceil", "Round",
        "Sign", "IsNaN", "IsInf", "EyeLike", "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
    };

    /// <summary>Operators with a backward rule.</summary>
    public static IReadOnlyCollection<string> Differentiable => Table.Keys;

    /// <summary>Operators whose outputs carry no gradient: gradients stop there.</summary>
    public static IReadOnlyCollection<string> NonDifferentiable => NoGradient;

    /// <summary>True when <paramref name="opType"/>'s outputs carry no gradient.</summary>
    public static bool IsNonDifferentiable(string opType) => NoGradient.Contains(opType);

    /// <summary>The rule for an operator of the default or the <c>com.microsoft</c> domain, or false when it has none (non-differentiable ops: a no-op rule).</summary>
    public static bool TryGet(string opType, string domain, out IGradientRule? rule)
    {
        rule = null;
        if (domain == OnnxOpset.Microsoft)
        {
            return MicrosoftTable.TryGetValue(opType, out rule);
        }

        if (domain.Length > 0 && domain != "ai.onnx")
        {
            return false;
        }

        if (NoGradient.Contains(opType))
        {
            rule = NoGradientRule.Instance;
            return true;
        }

        return Table.TryGetValue(opType, out rule);
    }
}
