using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>LogSoftmax along one axis (opset 13+): Y = X - log Σ e^X.</summary>
internal sealed class LogSoftmaxGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0);
        string axis = ctx.Int64s(ctx.Attribute("axis", -1L));
        // dX = dY - e^Y ⊙ Σ_axis dY
        string total = ctx.Op("ReduceSum", [dY, axis], Attr.Int("keepdims", 1));
        ctx.SetGradient(0, ctx.Op("Sub", dY, ctx.Op("Mul", ctx.Op("Exp", y), total)));
    }
}
