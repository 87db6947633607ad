namespace OnnxOll.Autodiff.Rules;

/// <summary>Reshape, Flatten, Squeeze, Unsqueeze: the data is unchanged, only the shape.</summary>
internal sealed class ReshapeGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0);
        // dX = reshape(dY, shape(X))
        ctx.SetGradient(0, ctx.Op("Reshape", dY, ctx.ShapeOf(x)));
    }
}
