namespace OnnxOll.Autodiff.Rules;

/// <summary>Log: Y = ln X.</summary>
internal sealed class LogGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0);
        // dX = dY / X
        ctx.SetGradient(0, ctx.Op("Div", dY, x));
    }
}
