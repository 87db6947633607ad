namespace OnnxOll.Autodiff.Rules;

/// <summary>Where: Y = C ? A : B (broadcasting); the condition has no gradient.</summary>
internal sealed class WhereGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0), c = ctx.Input(0);
        string zero = ctx.Scalar(0, dY);
        if (ctx.IsGradientNeeded(1))
        {
            // dA = Σ_broadcast (C ? dY : 0)
            ctx.SetGradient(1, ctx.ReduceToShape(ctx.Op("Where", c, dY, zero), y, ctx.Input(1)));
        }

        if (ctx.IsGradientNeeded(2))
        {
            // dB = Σ_broadcast (C ? 0 : dY)
            ctx.SetGradient(2, ctx.ReduceToShape(ctx.Op("Where", c, zero, dY), y, ctx.Input(2)));
        }
    }
}
