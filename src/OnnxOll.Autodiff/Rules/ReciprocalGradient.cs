namespace OnnxOll.Autodiff.Rules;

/// <summary>Reciprocal: Y = 1 / X.</summary>
internal sealed class ReciprocalGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0);
        // dX = -dY ⊙ Y²
        ctx.SetGradient(0, ctx.Op("Neg", ctx.Op("Mul", dY, ctx.Op("Mul", y, y))));
    }
}
