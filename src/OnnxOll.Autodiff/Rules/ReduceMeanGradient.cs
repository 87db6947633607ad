namespace OnnxOll.Autodiff.Rules;

/// <summary>ReduceMean: Y = Σ_axes X / n.</summary>
internal sealed class ReduceMeanGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        // dX = expand(dY / n, shape(X))
        string scaled = ctx.Op("Div", ctx.OutputGradient(0)!, ReducedGradient.Count(ctx));
        ctx.SetGradient(0, ReducedGradient.Expand(ctx, ReducedGradient.KeepDims(ctx, scaled)));
    }
}
