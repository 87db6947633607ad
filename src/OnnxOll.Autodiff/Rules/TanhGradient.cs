namespace OnnxOll.Autodiff.Rules;

/// <summary>Tanh: Y = tanh X.</summary>
internal sealed class TanhGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0);
        // dX = dY ⊙ (1 - Y²)
        ctx.SetGradient(0, ctx.Op("Mul", dY, ctx.Op("Sub", ctx.Scalar(1, y), ctx.Op("Mul", y, y))));
    }
}
