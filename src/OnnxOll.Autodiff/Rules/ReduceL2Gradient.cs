namespace OnnxOll.Autodiff.Rules;

/// <summary>ReduceL2: Y = √(Σ_axes X²).</summary>
internal sealed class ReduceL2Gradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string x = ctx.Input(0);
        string dY = ReducedGradient.KeepDims(ctx, ctx.OutputGradient(0)!);
        string y = ReducedGradient.KeepDims(ctx, ctx.Output(0));
        // dX = X ⊙ dY / Y
        ctx.SetGradient(0, ctx.Op("Mul", x, ctx.Op("Div", dY, y)));
    }
}
