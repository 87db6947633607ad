namespace OnnxOll.Autodiff.Rules;

/// <summary>Sqrt: Y = √X.</summary>
internal sealed class SqrtGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0);
        // dX = dY / (2Y)
        ctx.SetGradient(0, ctx.Op("Div", dY, ctx.Op("Mul", y, ctx.Scalar(2, y))));
    }
}
