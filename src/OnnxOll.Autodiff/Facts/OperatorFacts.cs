using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Facts;

/// <summary>The facts of one node's outputs from the facts of its inputs, operator by operator.</summary>
/// <remarks>Returns no facts for an operator it does not know; dimension arithmetic lives in the *Dims helpers.</remarks>
internal static class OperatorFacts
{
    private static readonly HashSet<string> SameAsInput =
    [
        "Identity", "Neg", "Sqrt", "Exp", "Log", "Sigmoid", "Tanh", "Relu", "Erf", "Abs", "Sign", "Reciprocal",
        "Softmax", "LogSoftmax", "Floor", "Ceil", "Round", "Clip", "LeakyRelu", "Elu", "Softplus", "HardSigmoid",
        "Gelu", "Not", "Trilu", "Sin", "Cos",
    ];

    private static readonly HashSet<string> Broadcasting = ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Mod"];

    private static readonly HashSet<string> Comparisons = ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"];

    public static ValueFacts?[] Infer(NodeProto n, Dictionary<string, ValueFacts> facts, ConstantLookup constants, Dictionary<string, NodeProto> producers)
    {
        ValueFacts? In(int i) => i < n.Input.Count && n.Input[i].Length > 0 ? facts.GetValueOrDefault(n.Input[i]) : null;
        long IntAttr(string name, long dflt) => n.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? dflt;
        long[]? IntsAttr(string name) => n.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray();
        var x = In(0);
        if (n.Domain.Length > 0)
        {
            // DynamicQuantizeMatMul: float A [..., K] · int8 B [K, N] → float [..., N]; QuickGelu keeps its input's facts.
            return n.Domain != OnnxOpset.Microsoft || x is null ? []
                : n.OpType == "DynamicQuantizeMatMul" ? [new ValueFacts(DataType.Float, MatrixDims.MatMul(x.Dims, In(1)?.Dims))]
                : n.OpType == "QuickGelu" ? [x]
                : [];
        }

        switch (n.OpType)
        {
            case var op when SameAsInput.Contains(op):
                return [x];
            case var op when Broadcasting.Contains(op):
                return [x is null ? null : new ValueFacts(x.Type, BroadcastDims.Of(Enumerable.Range(0, n.Input.Count).Select(In)))];
            case var op when Comparisons.Contains(op):
                return [new ValueFacts(DataType.Bool, BroadcastDims.Of(Enumerable.Range(0, n.Input.Count).Select(In)))];
            case "Where":
                return [In(1) is { } w ? new ValueFacts(w.Type, BroadcastDims.Of([In(0), In(1), In(2)])) : null];
            case "Cast":
                return [new ValueFacts((DataType)IntAttr("to", 1), x?.Dims)];
            case "CastLike":
                return [In(1) is { } like ? new ValueFacts(like.Type, x?.Dims) : null];
            case "Dropout":
                return [x, x is null ? null : new ValueFacts(DataType.Bool, x.Dims)];
            case "LayerNormalization":
                return [x];
            case "MatMul":
                return [x is null ? null : new ValueFacts(x.Type, MatrixDims.MatMul(x.Dims, In(1)?.Dims))];
            case "Gemm":
                return [x is null ? null : new ValueFacts(x.Type, MatrixDims.Gemm(x.Dims, In(1)?.Dims, IntAttr("transA", 0) != 0, IntAttr("transB", 0) != 0))];
            case "Transpose":
                return [x is null ? null : new ValueFacts(x.Type, x.Dims is null ? null : (IntsAttr("perm") ?? Enumerable.Range(0, x.Dims.Length).Reverse().Select(i => (long)i).ToArray()).Select(p => x.Dims[p]).ToArray())];
            case "Reshape" when constants.Int64s(n.Input[1]) is null && ShapeValues.Dims(n.Input[1], facts, constants, producers) is { } target:
                return [x is null ? null : new ValueFacts(x.Type, target)];
            case "Reshape":
                return [x is null ? null : new ValueFacts(x.Type, ReshapeDims.Reshape(x.Dims, constants.Int64s(n.Input[1]), IntAttr("allowzero", 0) != 0))];
            case "Flatten":
                return [x is null ? null : new ValueFacts(x.Type, ReshapeDims.Flatten(x.Dims, IntAttr("axis", 1)))];
            case "Unsqueeze":
                return [x is null ? null : new ValueFacts(x.Type, ReshapeDims.Unsqueeze(x.Dims, constants.Int64s(n.Input.Count > 1 ? n.Input[1] : "")))];
            case "Squeeze":
                return [x is null ? null : new ValueFacts(x.Type, ReshapeDims.Squeeze(x.Dims, n.Input.Count > 1 ? constants.Int64s(n.Input[1]) : null))];
            case "Concat":
                return [x is null ? null : new ValueFacts(x.Type, ConcatSplitDims.Concat(Enumerable.Range(0, n.Input.Count).Select(In).ToList(), IntAttr("axis", 0)))];
            case "Split":
                return ConcatSplitDims.Split(n, x, constants);
            case "Slice":
                return [x is null ? null : new ValueFacts(x.Type, SliceGatherDims.Slice(n, x.Dims, constants))];
            case "Gather":
                return [x is null ? null : new ValueFacts(x.Type, SliceGatherDims.Gather(x.Dims, In(1)?.Dims, IntAttr("axis", 0)))];
            case "GatherElements":
                return [x is null ? null : new ValueFacts(x.Type, In(1)?.Dims)];
            case "ScatterElements":
                return [x];
            case "TopK":
                var topDims = x?.Dims is null ? null : (Dim[])x.Dims.Clone();
                if (topDims is not null)
                {
                    int axis = (int)IntAttr("axis", -1);
                    topDims[axis < 0 ? axis + topDims.Length : axis] = constants.Int64s(n.Input[1]) is [var k] ? (Dim)k : ValueFacts.Unknown;
                }

                return [x is null ? null : new ValueFacts(x.Type, topDims), new ValueFacts(DataType.Int64, topDims)];
            case "Expand":
                return [x is null ? null : new ValueFacts(x.Type, BroadcastDims.Expand(x.Dims, ShapeValues.Dims(n.Input[1], facts, constants, producers)))];
            case "ReduceSum" or "ReduceMean" or "ReduceL2" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceSumSquare" or "ReduceL1" or "ReduceLogSumExp":
                return [x is null ? null : new ValueFacts(x.Type, ReductionDims.Of(x.Dims, n.Input.Count > 1 && n.Input[1].Length > 0 ? constants.Int64s(n.Input[1]) : IntsAttr("axes") ?? [], n.Input.Count > 1 && n.Input[1].Length > 0 && constants.Int64s(n.Input[1]) is null, IntAttr("keepdims", 1) != 0, IntAttr("noop_with_empty_axes", 0) != 0))];
            case "ArgMax" or "ArgMin":
                return [new ValueFacts(DataType.Int64, ReductionDims.Of(x?.Dims, [IntAttr("axis", 0)], false, IntAttr("keepdims", 1) != 0, false))];
            case "Shape":
                return [new ValueFacts(DataType.Int64, x?.Dims is null ? [ValueFacts.Unknown] : [(Dim)x.Dims[ShapeValues.Range(n, x.Dims.Length)].Length])];
            case "Size":
                return [new ValueFacts(DataType.Int64, [])];
            case "ConstantOfShape":
                var value = n.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
                return [new ValueFacts(value is null ? DataType.Float : (DataType)value.DataType, ShapeValues.Dims(n.Input[0], facts, constants, producers))];
            case "Constant":
                var t = ConstantLookup.ConstantTensor(n);
                return [t is null ? null : new ValueFacts((DataType)t.DataType, t.Dims.Select(d => (Dim)d).ToArray())];
            case "Conv":
                return [x is null ? null : new ValueFacts(x.Type, ConvDims.Of(n, x.Dims, In(1)?.Dims))];
            case "SoftmaxCrossEntropyLoss":
                var reduction = n.Attribute.FirstOrDefault(a => a.Name == "reduction")?.S.ToStringUtf8() ?? "mean";
                return [x is null ? null : new ValueFacts(x.Type, reduction == "none" ? In(1)?.Dims : []), x];
            default:
                return [];
        }
    }
}
