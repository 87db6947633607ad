namespace OnnxOll.Autodiff.Rules;

/// <summary>ReduceSum: Y = Σ_axes X.</summary>
internal sealed class ReduceSumGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        // dX = expand(dY, shape(X))
        ctx.SetGradient(0, ReducedGradient.Expand(ctx, ReducedGradient.KeepDims(ctx, ctx.OutputGradient(0)!)));
    }
}
