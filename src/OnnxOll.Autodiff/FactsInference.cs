using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff;

/// <summary>Light type and shape propagation (fixed and symbolic dimensions) for the operators autodiff meets.</summary>
/// <remarks>Falls back to declared value infos; an op it does not know gets an unknown shape and its first input's type.</remarks>
internal static class FactsInference
{
    private static readonly HashSet<string> SameAsInput =
    [
        "Identity", "Neg", "Sqrt", "Exp", "Log", "Sigmoid", "Tanh", "Relu", "Erf", "Abs", "Sign", "Reciprocal",
        "Softmax", "LogSoftmax", "Floor", "Ceil", "Round", "Clip", "LeakyRelu", "Elu", "Softplus", "HardSigmoid",
        "Gelu", "Not", "Trilu", "Sin", "Cos",
    ];

    private static readonly HashSet<string> Broadcasting = ["Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "Mod"];

    private static readonly HashSet<string> Comparisons = ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"];

    public static Dictionary<string, ValueFacts> Infer(GraphProto graph, IReadOnlyList<NodeProto> order, ConstantLookup constants)
    {
        var declared = new Dictionary<string, ValueFacts>(StringComparer.Ordinal);
        foreach (var v in graph.ValueInfo.Concat(graph.Output))
        {
            if (FromValueInfo(v) is { } f)
            {
                declared[v.Name] = f;
            }
        }

        var facts = new Dictionary<string, ValueFacts>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
        {
            facts[t.Name] = new ValueFacts((DataType)t.DataType, t.Dims.Select(d => (Dim)d).ToArray());
        }

        foreach (var v in graph.Input)
        {
            if (FromValueInfo(v) is { } f)
            {
                facts[v.Name] = f;
            }
        }

        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var n in order)
        {
            foreach (var o in n.Output.Where(o => o.Length > 0))
            {
                producers[o] = n;
            }

            ValueFacts?[] outs;
            try
            {
                outs = InferNode(n, facts, constants, producers);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                outs = [];
            }

            for (int i = 0; i < n.Output.Count; i++)
            {
                string o = n.Output[i];
                if (o.Length == 0)
                {
                    continue;
                }

                var inferred = i < outs.Length ? outs[i] : null;
                declared.TryGetValue(o, out var decl);
                facts[o] = Merge(inferred, decl) ?? new ValueFacts(n.Input.Count > 0 && facts.TryGetValue(n.Input[0], out var f0) ? f0.Type : DataType.Float, null);
            }
        }

        return facts;
    }

    /// <summary>Combines inferred and declared facts dimension by dimension: a fixed size beats a symbol beats unknown;
    /// a declared rank wins when the two disagree.</summary>
    private static ValueFacts? Merge(ValueFacts? inferred, ValueFacts? declared)
    {
        if (inferred is null || declared is null)
        {
            return inferred ?? declared;
        }

        if (declared.Dims is null)
        {
            return inferred;
        }

        if (inferred.Dims is null || inferred.Dims.Length != declared.Dims.Length)
        {
            return inferred with { Dims = declared.Dims };
        }

        var dims = inferred.Dims.Zip(declared.Dims, (a, b) => !a.IsSymbolic ? a : !b.IsSymbolic ? b : a.Param is not null ? a : b).ToArray();
        return inferred with { Dims = dims };
    }

    private static ValueFacts? FromValueInfo(ValueInfoProto v)
    {
        var tt = v.Type?.TensorType;
        if (tt is null || tt.ElemType == 0)
        {
            return null;
        }

        Dim[]? dims = tt.Shape?.Dim.Select(d => d.ValueCase switch
        {
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => (Dim)d.DimValue,
            TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => (Dim)d.DimParam,
            _ => ValueFacts.Unknown,
        }).ToArray();
        return new ValueFacts((DataType)tt.ElemType, dims);
    }

    private static ValueFacts?[] InferNode(NodeProto n, Dictionary<string, ValueFacts> facts, ConstantLookup constants, Dictionary<string, NodeProto> producers)
    {
        ValueFacts? In(int i) => i < n.Input.Count && n.Input[i].Length > 0 ? facts.GetValueOrDefault(n.Input[i]) : null;
        long IntAttr(string name, long dflt) => n.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? dflt;
        long[]? IntsAttr(string name) => n.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray();
        var x = In(0);
        if (n.Domain.Length > 0)
        {
            // DynamicQuantizeMatMul: float A [..., K] · int8 B [K, N] → float [..., N]; QuickGelu keeps its input's facts.
            return n.Domain != OnnxOpset.Microsoft || x is null ? []
                : n.OpType == "DynamicQuantizeMatMul" ? [new ValueFacts(DataType.Float, MatMulDims(x.Dims, In(1)?.Dims))]
                : n.OpType == "QuickGelu" ? [x]
                : [];
        }

        switch (n.OpType)
        {
            case var op when SameAsInput.Contains(op):
                return [x];
            case var op when Broadcasting.Contains(op):
                return [x is null ? null : new ValueFacts(x.Type, Broadcast(Enumerable.Range(0, n.Input.Count).Select(In)))];
            case var op when Comparisons.Contains(op):
                return [new ValueFacts(DataType.Bool, Broadcast(Enumerable.Range(0, n.Input.Count).Select(In)))];
            case "Where":
                return [In(1) is { } w ? new ValueFacts(w.Type, Broadcast([In(0), In(1), In(2)])) : null];
            case "Cast":
                return [new ValueFacts((DataType)IntAttr("to", 1), x?.Dims)];
            case "CastLike":
                return [In(1) is { } like ? new ValueFacts(like.Type, x?.Dims) : null];
            case "Dropout":
                return [x, x is null ? null : new ValueFacts(DataType.Bool, x.Dims)];
            case "LayerNormalization":
                return [x];
            case "MatMul":
                return [x is null ? null : new ValueFacts(x.Type, MatMulDims(x.Dims, In(1)?.Dims))];
            case "Gemm":
                return [x is null ? null : new ValueFacts(x.Type, GemmDims(x.Dims, In(1)?.Dims, IntAttr("transA", 0) != 0, IntAttr("transB", 0) != 0))];
            case "Transpose":
                return [x is null ? null : new ValueFacts(x.Type, x.Dims is null ? null : (IntsAttr("perm") ?? Enumerable.Range(0, x.Dims.Length).Reverse().Select(i => (long)i).ToArray()).Select(p => x.Dims[p]).ToArray())];
            case "Reshape" when constants.Int64s(n.Input[1]) is null && ShapeInput(n.Input[1], facts, constants, producers) is { } target:
                return [x is null ? null : new ValueFacts(x.Type, target)];
            case "Reshape":
                return [x is null ? null : new ValueFacts(x.Type, ReshapeDims(x.Dims, constants.Int64s(n.Input[1]), IntAttr("allowzero", 0) != 0))];
            case "Flatten":
                return [x is null ? null : new ValueFacts(x.Type, FlattenDims(x.Dims, IntAttr("axis", 1)))];
            case "Unsqueeze":
                return [x is null ? null : new ValueFacts(x.Type, UnsqueezeDims(x.Dims, constants.Int64s(n.Input.Count > 1 ? n.Input[1] : "")))];
            case "Squeeze":
                return [x is null ? null : new ValueFacts(x.Type, SqueezeDims(x.Dims, n.Input.Count > 1 ? constants.Int64s(n.Input[1]) : null))];
            case "Concat":
                return [x is null ? null : new ValueFacts(x.Type, ConcatDims(Enumerable.Range(0, n.Input.Count).Select(In).ToList(), IntAttr("axis", 0)))];
            case "Split":
                return SplitFacts(n, x, constants);
            case "Slice":
                return [x is null ? null : new ValueFacts(x.Type, SliceDims(n, x.Dims, constants))];
            case "Gather":
                return [x is null ? null : new ValueFacts(x.Type, GatherDims(x.Dims, In(1)?.Dims, IntAttr("axis", 0)))];
            case "GatherElements":
                return [x is null ? null : new ValueFacts(x.Type, In(1)?.Dims)];
            case "Expand":
                return [x is null ? null : new ValueFacts(x.Type, ExpandDims(x.Dims, ShapeInput(n.Input[1], facts, constants, producers)))];
            case "ReduceSum" or "ReduceMean" or "ReduceL2" or "ReduceMax" or "ReduceMin" or "ReduceProd" or "ReduceSumSquare" or "ReduceL1" or "ReduceLogSumExp":
                return [x is null ? null : new ValueFacts(x.Type, ReduceDims(x.Dims, n.Input.Count > 1 && n.Input[1].Length > 0 ? constants.Int64s(n.Input[1]) : IntsAttr("axes") ?? [], n.Input.Count > 1 && n.Input[1].Length > 0 && constants.Int64s(n.Input[1]) is null, IntAttr("keepdims", 1) != 0, IntAttr("noop_with_empty_axes", 0) != 0))];
            case "ArgMax" or "ArgMin":
                return [new ValueFacts(DataType.Int64, ReduceDims(x?.Dims, [IntAttr("axis", 0)], false, IntAttr("keepdims", 1) != 0, false))];
            case "Shape":
                return [new ValueFacts(DataType.Int64, x?.Dims is null ? [ValueFacts.Unknown] : [(Dim)x.Dims[ShapeRange(n, x.Dims.Length)].Length])];
            case "Size":
                return [new ValueFacts(DataType.Int64, [])];
            case "ConstantOfShape":
                var value = n.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
                return [new ValueFacts(value is null ? DataType.Float : (DataType)value.DataType, ShapeInput(n.Input[0], facts, constants, producers))];
            case "Constant":
                var t = ConstantLookup.ConstantTensor(n);
                return [t is null ? null : new ValueFacts((DataType)t.DataType, t.Dims.Select(d => (Dim)d).ToArray())];
            case "Conv":
                return [x is null ? null : new ValueFacts(x.Type, ConvDims(n, x.Dims, In(1)?.Dims))];
            case "SoftmaxCrossEntropyLoss":
                var reduction = n.Attribute.FirstOrDefault(a => a.Name == "reduction")?.S.ToStringUtf8() ?? "mean";
                return [x is null ? null : new ValueFacts(x.Type, reduction == "none" ? In(1)?.Dims : []), x];
            default:
                return [];
        }
    }

    /// <summary>The dimensions a Shape node returns (its start/end attributes, clamped like ONNX).</summary>
    private static Range ShapeRange(NodeProto shape, int rank)
    {
        long start = shape.Attribute.FirstOrDefault(a => a.Name == "start")?.I ?? 0;
        long end = shape.Attribute.FirstOrDefault(a => a.Name == "end")?.I ?? rank;
        start = Math.Clamp(start < 0 ? start + rank : start, 0, rank);
        end = Math.Clamp(end < 0 ? end + rank : end, 0, rank);
        return (int)start..(int)Math.Max(start, end);
    }

    public static Dim[]? Broadcast(IEnumerable<ValueFacts?> inputs)
    {
        var list = inputs.ToList();
        if (list.Any(f => f?.Dims is null))
        {
            return null;
        }

        int rank = list.Max(f => f!.Dims!.Length);
        var result = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            Dim? acc = null;
            foreach (var f in list)
            {
                int j = i - (rank - f!.Dims!.Length);
                if (j < 0)
                {
                    continue;
                }

                var d = f.Dims[j];
                acc = acc is null || ValueFacts.Is(acc.Value, 1) ? d
                    : ValueFacts.Is(d, 1) || ValueFacts.SameDim(acc.Value, d) ? acc
                    : !d.IsSymbolic && d.Value > 1 ? d
                    : !acc.Value.IsSymbolic ? acc
                    : ValueFacts.Unknown;
            }

            result[i] = acc ?? 1;
        }

        return result;
    }

    private static Dim[]? MatMulDims(Dim[]? a, Dim[]? b)
    {
        if (a is null || b is null)
        {
            return null;
        }

        var a2 = a.Length == 1 ? new Dim[] { 1, a[0] } : a;
        var b2 = b.Length == 1 ? new Dim[] { b[0], 1 } : b;
        var batch = Broadcast([new ValueFacts(DataType.Float, a2[..^2]), new ValueFacts(DataType.Float, b2[..^2])])!;
        var result = batch.ToList();
        if (a.Length > 1)
        {
            result.Add(a2[^2]);
        }

        if (b.Length > 1)
        {
            result.Add(b2[^1]);
        }

        return [.. result];
    }

    private static Dim[]? GemmDims(Dim[]? a, Dim[]? b, bool transA, bool transB) =>
        a is null || b is null ? null : [transA ? a[1] : a[0], transB ? b[0] : b[1]];

    private static Dim[]? ReshapeDims(Dim[]? x, long[]? shape, bool allowZero)
    {
        if (shape is null)
        {
            return null;
        }

        var result = new Dim[shape.Length];
        int inferred = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1)
            {
                inferred = i;
                result[i] = ValueFacts.Unknown;
            }
            else if (shape[i] == 0 && !allowZero)
            {
                result[i] = x is not null && i < x.Length ? x[i] : ValueFacts.Unknown;
            }
            else
            {
                result[i] = shape[i];
            }
        }

        if (inferred >= 0 && x is not null && x.All(d => !d.IsSymbolic) && result.Where((_, i) => i != inferred).All(d => !d.IsSymbolic))
        {
            long total = x.Aggregate(1L, (p, d) => p * d.Value);
            long known = result.Where((_, i) => i != inferred).Aggregate(1L, (p, d) => p * d.Value);
            result[inferred] = known == 0 ? 0 : total / known;
        }

        return result;
    }

    private static Dim[]? FlattenDims(Dim[]? x, long axis)
    {
        if (x is null)
        {
            return null;
        }

        int a = (int)(axis < 0 ? axis + x.Length : axis);
        return [Product(x[..a]), Product(x[a..])];
    }

    private static Dim Product(Dim[] dims) =>
        dims.All(d => !d.IsSymbolic) ? dims.Aggregate(1L, (p, d) => p * d.Value) : dims.Count(d => !ValueFacts.Is(d, 1)) == 1 ? dims.First(d => !ValueFacts.Is(d, 1)) : ValueFacts.Unknown;

    private static Dim[]? UnsqueezeDims(Dim[]? x, long[]? axes)
    {
        if (x is null || axes is null)
        {
            return null;
        }

        int rank = x.Length + axes.Length;
        var set = axes.Select(a => a < 0 ? a + rank : a).ToHashSet();
        var result = new Dim[rank];
        int k = 0;
        for (int i = 0; i < rank; i++)
        {
            result[i] = set.Contains(i) ? 1 : x[k++];
        }

        return result;
    }

    private static Dim[]? SqueezeDims(Dim[]? x, long[]? axes)
    {
        if (x is null)
        {
            return null;
        }

        if (axes is null)
        {
            return x.All(d => !d.IsSymbolic) ? x.Where(d => d.Value != 1).ToArray() : null;
        }

        var set = axes.Select(a => a < 0 ? a + x.Length : a).ToHashSet();
        return x.Where((_, i) => !set.Contains(i)).ToArray();
    }

    private static Dim[]? ConcatDims(List<ValueFacts?> inputs, long axis)
    {
        if (inputs.Any(f => f?.Dims is null))
        {
            return null;
        }

        var first = inputs[0]!.Dims!;
        int a = (int)(axis < 0 ? axis + first.Length : axis);
        var result = (Dim[])first.Clone();
        var along = inputs.Select(f => f!.Dims![a]).ToList();
        result[a] = along.All(d => !d.IsSymbolic) ? along.Sum(d => d.Value) : ValueFacts.Unknown;
        return result;
    }

    private static ValueFacts?[] SplitFacts(NodeProto n, ValueFacts? x, ConstantLookup constants)
    {
        if (x?.Dims is null)
        {
            return [];
        }

        long axisAttr = n.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0;
        int axis = (int)(axisAttr < 0 ? axisAttr + x.Dims.Length : axisAttr);
        long[]? split = n.Input.Count > 1 && n.Input[1].Length > 0 ? constants.Int64s(n.Input[1]) : null;
        int count = n.Output.Count;
        if (split is null && !x.Dims[axis].IsSymbolic)
        {
            long total = x.Dims[axis].Value;
            long chunk = (total + count - 1) / count;
            split = Enumerable.Range(0, count).Select(i => Math.Min(chunk, Math.Max(0, total - (i * chunk)))).ToArray();
        }

        return Enumerable.Range(0, count).Select(i =>
        {
            var dims = (Dim[])x.Dims.Clone();
            dims[axis] = split is null ? ValueFacts.Unknown : split[i];
            return (ValueFacts?)new ValueFacts(x.Type, dims);
        }).ToArray();
    }

    private static Dim[]? SliceDims(NodeProto n, Dim[]? x, ConstantLookup constants)
    {
        if (x is null)
        {
            return null;
        }

        var result = (Dim[])x.Clone();
        var starts = constants.Int64s(n.Input[1]);
        var ends = constants.Int64s(n.Input[2]);
        var axes = n.Input.Count > 3 && n.Input[3].Length > 0 ? constants.Int64s(n.Input[3]) : starts is null ? null : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        var steps = n.Input.Count > 4 && n.Input[4].Length > 0 ? constants.Int64s(n.Input[4]) : starts?.Select(_ => 1L).ToArray();
        if (starts is null || ends is null || axes is null || steps is null)
        {
            return null;
        }

        for (int i = 0; i < axes.Length; i++)
        {
            int a = (int)(axes[i] < 0 ? axes[i] + x.Length : axes[i]);
            result[a] = SliceRange.Of(x[a], starts[i], ends[i], steps[i]) is { } r ? r.Count : ValueFacts.Unknown;
        }

        return result;
    }

    private static Dim[]? GatherDims(Dim[]? data, Dim[]? indices, long axis)
    {
        if (data is null || indices is null)
        {
            return null;
        }

        int a = (int)(axis < 0 ? axis + data.Length : axis);
        return [.. data[..a], .. indices, .. data[(a + 1)..]];
    }

    private static Dim[]? ExpandDims(Dim[]? x, Dim[]? shape) =>
        x is null || shape is null ? null : Broadcast([new ValueFacts(DataType.Float, x), new ValueFacts(DataType.Float, shape)]);

    /// <summary>The dimensions a shape-valued input stands for: a constant, or Shape(v) of a value whose dims are known;
    /// otherwise unknown sizes of the known length.</summary>
    private static Dim[]? ShapeInput(string name, Dictionary<string, ValueFacts> facts, ConstantLookup constants, Dictionary<string, NodeProto> producers)
    {
        if (constants.Int64s(name) is { } values)
        {
            return [.. values.Select(v => (Dim)v)];
        }

        if (producers.TryGetValue(name, out var p) && p.OpType == "Shape" && facts.GetValueOrDefault(p.Input[0])?.Dims is { } dims)
        {
            return dims[ShapeRange(p, dims.Length)];
        }

        if (p is { OpType: "Concat" } && p.Input.Select(i => ShapeInput(i, facts, constants, producers)).ToList() is var pieces && pieces.All(x => x is not null))
        {
            return [.. pieces.SelectMany(x => x!)];
        }

        return facts.GetValueOrDefault(name)?.StaticDims is [var length] ? [.. Enumerable.Repeat(ValueFacts.Unknown, (int)length)] : null;
    }

    private static Dim[]? ReduceDims(Dim[]? x, long[]? axes, bool dynamicAxes, bool keepDims, bool noopWithEmpty)
    {
        if (x is null || axes is null || dynamicAxes)
        {
            return null;
        }

        if (axes.Length == 0)
        {
            return noopWithEmpty ? x : keepDims ? x.Select(_ => (Dim)1).ToArray() : [];
        }

        var set = axes.Select(a => a < 0 ? a + x.Length : a).ToHashSet();
        return keepDims ? x.Select((d, i) => set.Contains(i) ? (Dim)1 : d).ToArray() : x.Where((_, i) => !set.Contains(i)).ToArray();
    }

    private static Dim[]? ConvDims(NodeProto n, Dim[]? x, Dim[]? w)
    {
        if (x is null || w is null || x.Length != 4)
        {
            return null;
        }

        var conv = ConvAttributes.Of(n, w);
        var result = new Dim[] { x[0], w[0], ValueFacts.Unknown, ValueFacts.Unknown };
        for (int i = 0; i < 2; i++)
        {
            if (!x[2 + i].IsSymbolic && conv.Kernel[i] > 0)
            {
                result[2 + i] = ((x[2 + i].Value + conv.Pads[i] + conv.Pads[i + 2] - (conv.Dilations[i] * (conv.Kernel[i] - 1)) - 1) / conv.Strides[i]) + 1;
            }
        }

        return result;
    }
}
