using OnnxOll.Onnx.Graph;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Rules;

/// <summary>TopK: values V = X[…, I, …] along an axis, indices I; the indices carry no gradient.</summary>
internal sealed class TopKGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        // dX[…, I[i…], …] = dV[i…], 0 elsewhere (the k indices of a row are distinct)
        string dV = ctx.OutputGradient(0)!, x = ctx.Input(0);
        string indices = ctx.EnsureOutput(1, new ValueFacts(DataType.Int64, ctx.Facts(ctx.Output(0)).Dims));
        ctx.SetGradient(0, ctx.Op("ScatterElements", [ctx.Zeros(x), indices, dV], Attr.Int("axis", ctx.Attribute("axis", -1L))));
    }
}
