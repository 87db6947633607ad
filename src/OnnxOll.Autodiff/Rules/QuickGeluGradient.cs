namespace OnnxOll.Autodiff.Rules;

/// <summary>ONNX Runtime's <c>com.microsoft</c> QuickGelu, CLIP's activation: Y = X ⊙ σ(αX), α = 1.702 unless given.</summary>
/// <remarks>The rule recomputes σ(αX) from X rather than reading a forward value, so a training graph keeps one tensor per
/// activation (its input) instead of the input and the sigmoid of the composed form.</remarks>
internal sealed class QuickGeluGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0);
        // dX = dY ⊙ σ(αX) ⊙ (1 + αX ⊙ (1 − σ(αX)))
        string ax = ctx.Op("Mul", x, ctx.Scalar(ctx.Attribute("alpha", 1.702f), x));
        string s = ctx.Op("Sigmoid", ax);
        string slope = ctx.Op("Add", ctx.Scalar(1, x), ctx.Op("Mul", ax, ctx.Op("Sub", ctx.Scalar(1, x), s)));
        ctx.SetGradient(0, ctx.Op("Mul", dY, ctx.Op("Mul", s, slope)));
    }
}
