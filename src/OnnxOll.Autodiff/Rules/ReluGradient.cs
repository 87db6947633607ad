namespace OnnxOll.Autodiff.Rules;

/// <summary>Relu: Y = max(X, 0).</summary>
internal sealed class ReluGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0);
        // dX = dY ⊙ sign(Y)   (sign(Y) is the 0/1 mask X > 0)
        ctx.SetGradient(0, ctx.Op("Mul", dY, ctx.Op("Sign", y)));
    }
}
