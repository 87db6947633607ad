namespace OnnxOll.Autodiff.Rules;

/// <summary>Sigmoid: Y = 1 / (1 + e⁻ˣ).</summary>
internal sealed class SigmoidGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0);
        // dX = dY ⊙ Y ⊙ (1 - Y)
        ctx.SetGradient(0, ctx.Op("Mul", dY, ctx.Op("Mul", y, ctx.Op("Sub", ctx.Scalar(1, y), y))));
    }
}
