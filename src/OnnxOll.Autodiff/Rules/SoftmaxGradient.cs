using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Softmax along one axis (opset 13+): Y = e^X / Σ e^X.</summary>
internal sealed class SoftmaxGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, y = ctx.Output(0);
        string axis = ctx.Int64s(ctx.Attribute("axis", -1L));
        // dX = Y ⊙ (dY - Σ_axis dY ⊙ Y)
        string dot = ctx.Op("ReduceSum", [ctx.Op("Mul", dY, y), axis], Attr.Int("keepdims", 1));
        ctx.SetGradient(0, ctx.Op("Mul", y, ctx.Op("Sub", dY, dot)));
    }
}
