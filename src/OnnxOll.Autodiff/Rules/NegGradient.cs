namespace OnnxOll.Autodiff.Rules;

/// <summary>Neg: Y = -X.</summary>
internal sealed class NegGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!;
        // dX = -dY
        ctx.SetGradient(0, ctx.Op("Neg", dY));
    }
}
