using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>GatherElements: Y[i…] = X[…, I[i…], …] along an axis.</summary>
internal sealed class GatherElementsGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, data = ctx.Input(0), indices = ctx.Input(1);
        // dData[…, I[i…], …] += dY[i…]
        ctx.SetGradient(0, ctx.Op("ScatterElements", [ctx.Zeros(data), indices, dY],
            Attr.Int("axis", ctx.Attribute("axis", 0L)), Attr.String("reduction", "add")));
    }
}
