namespace OnnxOll.Autodiff.Rules;

/// <summary>Identity: Y = X.</summary>
internal sealed class IdentityGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!;
        // dX = dY
        ctx.SetGradient(0, dY);
    }
}
