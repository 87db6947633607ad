namespace OnnxOll.Autodiff.Rules;

/// <summary>Erf: Y = erf X.</summary>
internal sealed class ErfGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0);
        // dX = dY ⊙ 2/√π · e^(-X²)
        ctx.SetGradient(0, ctx.Op("Mul", dY, ctx.Op("Mul", ctx.Op("Exp", ctx.Op("Neg", ctx.Op("Mul", x, x))), ctx.Scalar(2 / Math.Sqrt(Math.PI), x))));
    }
}
