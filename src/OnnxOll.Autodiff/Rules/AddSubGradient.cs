namespace OnnxOll.Autodiff.Rules;

/// <summary>Add and Sub: Y = A ± B (broadcasting).</summary>
internal sealed class AddSubGradient(bool subtract) : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0);
        if (ctx.IsGradientNeeded(0))
        {
            // dA = Σ_broadcast dY
            ctx.SetGradient(0, ctx.ReduceToShape(dY, y, ctx.Input(0)));
        }

        if (ctx.IsGradientNeeded(1))
        {
            // dB = ±Σ_broadcast dY
            ctx.SetGradient(1, ctx.ReduceToShape(subtract ? ctx.Op("Neg", dY) : dY, y, ctx.Input(1)));
        }
    }
}
