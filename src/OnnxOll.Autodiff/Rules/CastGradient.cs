using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Cast between floating-point types.</summary>
internal sealed class CastGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0);
        // dX = cast(dY, type(X))
        ctx.SetGradient(0, ctx.TypeOf(x) == ctx.TypeOf(dY) ? dY : ctx.Op("Cast", [dY], Attr.Int("to", (long)ctx.TypeOf(x))));
    }
}
