using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Split: [Y₁, Y₂, …] = X cut along an axis.</summary>
internal sealed class SplitGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        var parts = Enumerable.Range(0, ctx.Node.Output.Count).Select(i => ctx.OutputGradient(i) ?? ctx.Zeros(ctx.Output(i))).ToArray();
        // dX = [dY₁ | dY₂ | …]   (zeros for unused pieces)
        ctx.SetGradient(0, ctx.Op("Concat", parts, Attr.Int("axis", ctx.Attribute("axis", 0L))));
    }
}
