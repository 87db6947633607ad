using OnnxOll.Onnx.Graph;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Rules;

/// <summary>SoftmaxCrossEntropyLoss with integer targets, no weights, no ignore_index: L = -log softmax(S)[target].</summary>
/// <remarks>Reuses the forward log-probabilities (output 1, added when absent); the one-hot target comes from Equal
/// against a class range, since ORT has no float64 OneHot.</remarks>
internal sealed class SoftmaxCrossEntropyLossGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        if (ctx.HasInput(2) || ctx.Node.Attribute.Any(a => a.Name == "ignore_index"))
        {
            throw ctx.Unsupported("class weights and ignore_index are not supported");
        }

        string scores = ctx.Input(0), labels = ctx.Input(1);
        int rank = ctx.RequireRank(scores);
        string logp = ctx.EnsureOutput(1, ctx.Facts(scores));
        string? dL = ctx.OutputGradient(0);
        var terms = new List<string>();
        if (dL is not null)
        {
            string labels64 = ctx.TypeOf(labels) == DataType.Int64 ? labels : ctx.Known(ctx.Op("Cast", [labels], Attr.Int("to", (long)DataType.Int64)), new ValueFacts(DataType.Int64, ctx.Facts(labels).Dims));
            var classDim = ctx.Facts(scores).Dims![1];
            string classCount = classDim.IsSymbolic
                ? ctx.Op("Squeeze", ctx.Op("Slice", ctx.ShapeOf(scores), ctx.Int64s(1), ctx.Int64s(2)), ctx.Int64s(0))
                : ctx.Scalar(classDim.Value, labels64);
            string classes = ctx.Op("Reshape", ctx.Op("Range", ctx.Scalar(0, labels64), classCount, ctx.Scalar(1, labels64)),
                ctx.Int64s([.. Enumerable.Range(0, rank).Select(i => i == 1 ? -1L : 1L)]));
            string target = ctx.Op("Unsqueeze", labels64, ctx.Int64s(1));
            string oneHot = ctx.Op("Cast", [ctx.Op("Equal", target, classes)], Attr.Int("to", (long)ctx.TypeOf(scores)));
            string residual = ctx.Op("Sub", ctx.Op("Exp", logp), oneHot);
            string reduction = ctx.Attribute("reduction", "mean");
            string weight = reduction switch
            {
                "mean" => ctx.Op("Div", dL, Count(ctx, labels, scores)),
                "sum" => dL,
                "none" => ctx.Op("Unsqueeze", dL, ctx.Int64s(1)),
                _ => throw ctx.Unsupported($"reduction '{reduction}' is unknown"),
            };
            // dS = (softmax(S) - onehot(target)) ⊙ dL / n
            terms.Add(ctx.Op("Mul", residual, weight));
        }

        if (ctx.OutputGradient(1) is { } dLogp)
        {
            // dS += dLogp - softmax(S) ⊙ Σ_classes dLogp
            string total = ctx.Op("ReduceSum", [dLogp, ctx.Int64s(1)], Attr.Int("keepdims", 1));
            terms.Add(ctx.Op("Sub", dLogp, ctx.Op("Mul", ctx.Op("Exp", logp), total)));
        }

        ctx.SetGradient(0, terms.Count == 1 ? terms[0] : ctx.Op("Add", terms[0], terms[1]));
    }

    private static string Count(GradientContext ctx, string labels, string scores) =>
        ctx.Facts(labels).StaticDims is { } dims
            ? ctx.Scalar(dims.Aggregate(1L, (p, d) => p * d), scores)
            : ctx.Op("Cast", [ctx.Op("Size", labels)], Attr.Int("to", (long)ctx.TypeOf(scores)));
}
