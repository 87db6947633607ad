namespace OnnxOll.Autodiff.Rules;

/// <summary>Expand: Y = broadcast(X, shape).</summary>
internal sealed class ExpandGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        // dX = Σ_broadcast dY
        ctx.SetGradient(0, ctx.ReduceToShape(ctx.OutputGradient(0)!, ctx.Output(0), ctx.Input(0)));
    }
}
