namespace OnnxOll.Autodiff.Rules;

/// <summary>Sum: Y = Σ Xᵢ (broadcasting).</summary>
internal sealed class SumGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0);
        for (int i = 0; i < ctx.InputCount; i++)
        {
            if (ctx.IsGradientNeeded(i))
            {
                // dXᵢ = Σ_broadcast dY
                ctx.SetGradient(i, ctx.ReduceToShape(dY, y, ctx.Input(i)));
            }
        }
    }
}
