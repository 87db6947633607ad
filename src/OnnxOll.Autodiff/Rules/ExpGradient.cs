namespace OnnxOll.Autodiff.Rules;

/// <summary>Exp: Y = eˣ.</summary>
internal sealed class ExpGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0);
        // dX = dY ⊙ Y
        ctx.SetGradient(0, ctx.Op("Mul", dY, y));
    }
}
