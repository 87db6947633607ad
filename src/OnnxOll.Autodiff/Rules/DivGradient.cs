namespace OnnxOll.Autodiff.Rules;

/// <summary>Div: Y = A / B (broadcasting).</summary>
internal sealed class DivGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0), a = ctx.Input(0), b = ctx.Input(1);
        if (ctx.IsGradientNeeded(0))
        {
            // dA = Σ_broadcast dY / B
            ctx.SetGradient(0, ctx.ReduceToShape(ctx.Op("Div", dY, b), y, a));
        }

        if (ctx.IsGradientNeeded(1))
        {
            // dB = -Σ_broadcast dY ⊙ Y / B
            ctx.SetGradient(1, ctx.ReduceToShape(ctx.Op("Neg", ctx.Op("Div", ctx.Op("Mul", dY, y), b)), y, b));
        }
    }
}
