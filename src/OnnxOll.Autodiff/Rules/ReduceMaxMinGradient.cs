namespace OnnxOll.Autodiff.Rules;

/// <summary>ReduceMax and ReduceMin: the gradient goes to every element equal to the extreme (shared on ties).</summary>
internal sealed class ReduceMaxMinGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string x = ctx.Input(0);
        string y = ReducedGradient.KeepDims(ctx, ctx.Output(0));
        string dY = ReducedGradient.KeepDims(ctx, ctx.OutputGradient(0)!);
        // dX = [X = Y] ⊙ dY
        ctx.SetGradient(0, ctx.Op("Where", ctx.Op("Equal", x, y), ReducedGradient.Expand(ctx, dY), ctx.Scalar(0, x)));
    }
}
