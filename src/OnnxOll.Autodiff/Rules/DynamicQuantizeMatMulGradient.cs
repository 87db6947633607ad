using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>ONNX Runtime's <c>com.microsoft</c> DynamicQuantizeMatMul: Y = A · (B ⊙ b_scale) (+ bias), B int8 symmetric
/// (no zero point), b_scale per tensor or per output column; A is quantized per tensor at run time.</summary>
/// <remarks>The activation rounding is treated as identity (straight-through), so the rule is the gradient of A · dequant(B).
/// The input gradient runs on int8 too, over the transposed quantized weight (a Transpose of the int8 initializer, which
/// ONNX Runtime folds once per session); each row of the incoming gradient is scaled to a common range first, because the
/// kernel quantizes its float input per tensor and gradient rows span orders of magnitude.</remarks>
internal sealed class DynamicQuantizeMatMulGradient : IGradientRule
{
    /// <summary>Floor of a row's scale, so all-zero rows divide by a positive number.</summary>
    private const double TinyScale = 1e-30;

    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, b = ctx.Input(1), scale = ctx.Input(2);
        if (ctx.HasInput(3))
        {
            throw ctx.Unsupported("b_zero_point is set (only symmetric int8 weights are supported)");
        }

        if (ctx.IsGradientNeeded(1) || ctx.IsGradientNeeded(2))
        {
            throw ctx.Unsupported("the quantized weight or its scale would need a gradient (they are frozen)");
        }

        if (ctx.IsGradientNeeded(0))
        {
            // dA = dY · dequant(B)ᵀ = (dY ⊙ b_scale) · Bᵀ, with G = dY ⊙ b_scale scaled per row: (G / s) · Bᵀ · s, s = max(max|G|, tiny)
            string g = ctx.Op("Mul", dY, scale);
            string rowScale = ctx.Op("Max", ctx.Op("ReduceMax", [ctx.Op("Abs", g), ctx.Int64s(-1)], Attr.Int("keepdims", 1)), ctx.Scalar(TinyScale, dY));
            string bt = ctx.Op("Transpose", [b], Attr.Ints("perm", 1, 0));
            string product = ctx.Builder.DomainOp(OnnxOpset.Microsoft, "DynamicQuantizeMatMul", ctx.Op("Div", g, rowScale), bt, ctx.Scalar(1, dY));
            ctx.SetGradient(0, ctx.Op("Mul", product, rowScale));
        }

        if (ctx.IsGradientNeeded(4))
        {
            // dBias = Σ_rows dY
            ctx.SetGradient(4, ctx.ReduceToShape(dY, ctx.Output(0), ctx.Input(4)));
        }
    }
}
