using OnnxOll.Onnx.Graph;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Dropout: in training mode Y = X ⊙ mask / (1 - ratio), reusing the forward mask; otherwise Y = X.</summary>
internal sealed class DropoutGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0);
        bool? training = ctx.HasInput(2) ? ctx.ConstantBool(ctx.Input(2)) : false;
        if (training == false)
        {
            // dX = dY
            ctx.SetGradient(0, dY);
            return;
        }

        string mask = ctx.EnsureOutput(1, new ValueFacts(DataType.Bool, ctx.Facts(x).Dims));
        string scale;
        if (!ctx.HasInput(1) || ctx.ConstantDoubles(ctx.Input(1)) is [_])
        {
            // ORT rounds the ratio to float
            double ratio = ctx.HasInput(1) ? (float)ctx.ConstantDoubles(ctx.Input(1))![0] : 0.5;
            scale = ctx.Scalar(1 / (1 - ratio), x);
        }
        else
        {
            string ratio = ctx.Op("Cast", [ctx.Input(1)], Attr.Int("to", (long)ctx.TypeOf(x)));
            scale = ctx.Op("Reciprocal", ctx.Op("Sub", ctx.Scalar(1, x), ratio));
        }

        if (training is null)
        {
            scale = ctx.Op("Where", ctx.Input(2), scale, ctx.Scalar(1, x));
        }

        // dX = mask ? dY / (1 - ratio) : 0
        ctx.SetGradient(0, ctx.Op("Where", mask, ctx.Op("Mul", dY, scale), ctx.Scalar(0, x)));
    }
}
