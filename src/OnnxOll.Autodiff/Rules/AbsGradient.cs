namespace OnnxOll.Autodiff.Rules;

/// <summary>Abs: Y = |X|.</summary>
internal sealed class AbsGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0);
        // dX = dY ⊙ sign(X)
        ctx.SetGradient(0, ctx.Op("Mul", dY, ctx.Op("Sign", x)));
    }
}
