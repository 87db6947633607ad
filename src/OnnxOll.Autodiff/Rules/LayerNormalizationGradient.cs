using OnnxOll.Onnx.Graph;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Autodiff.Rules;

/// <summary>LayerNormalization: Y = x̂ ⊙ Scale + B with x̂ = (X - μ) / σ over the axes from <c>axis</c> on.</summary>
/// <remarks>For float X the forward node's Mean and InvStdDev outputs are reused; they are float even for double X,
/// so double X recomputes μ and 1/σ from X.</remarks>
internal sealed class LayerNormalizationGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0), scale = ctx.Input(1), y = ctx.Output(0);
        long axis = ctx.Attribute("axis", -1L);
        long[] axesList = axis < 0
            ? [.. Enumerable.Range((int)axis, (int)-axis).Select(i => (long)i)]
            : [.. Enumerable.Range((int)axis, ctx.RequireRank(x) - (int)axis).Select(i => (long)i)];
        string axes = ctx.Int64s(axesList);
        var keep = Attr.Int("keepdims", 1);

        string mean, invStd;
        if (ctx.TypeOf(x) == DataType.Float)
        {
            var xDims = ctx.Facts(x).Dims;
            long first = axis < 0 && xDims is not null ? axis + xDims.Length : axis;
            var statFacts = new ValueFacts(DataType.Float, xDims?.Select((d, i) => i >= first ? (Dim)1 : d).ToArray());
            mean = ctx.EnsureOutput(1, statFacts);
            invStd = ctx.EnsureOutput(2, statFacts);
        }
        else
        {
            // μ = mean(X), 1/σ = 1/√(mean((X-μ)²) + ε)
            mean = ctx.Op("ReduceMean", [x, axes], keep);
            string centred0 = ctx.Op("Sub", x, mean);
            string variance = ctx.Op("ReduceMean", [ctx.Op("Mul", centred0, centred0), axes], keep);
            invStd = ctx.Op("Reciprocal", ctx.Op("Sqrt", ctx.Op("Add", variance, ctx.Scalar(ctx.Attribute("epsilon", 1e-5f), x))));
        }

        // x̂ = (X - μ) ⊙ 1/σ
        string xhat = ctx.Op("Mul", ctx.Op("Sub", x, mean), invStd);
        if (ctx.IsGradientNeeded(1))
        {
            // dScale = Σ_rows dY ⊙ x̂
            ctx.SetGradient(1, ctx.ReduceToShape(ctx.Op("Mul", dY, xhat), y, scale));
        }

        if (ctx.IsGradientNeeded(2))
        {
            // dB = Σ_rows dY
            ctx.SetGradient(2, ctx.ReduceToShape(dY, y, ctx.Input(2)));
        }

        if (ctx.IsGradientNeeded(0))
        {
            // g = dY ⊙ Scale ; dX = 1/σ ⊙ (g - mean(g) - x̂ ⊙ mean(g ⊙ x̂))
            string g = ctx.Op("Mul", dY, scale);
            string gMean = ctx.Op("ReduceMean", [g, axes], keep);
            string gxMean = ctx.Op("ReduceMean", [ctx.Op("Mul", g, xhat), axes], keep);
            string inner = ctx.Op("Sub", ctx.Op("Sub", g, gMean), ctx.Op("Mul", xhat, gxMean));
            ctx.SetGradient(0, ctx.Op("Mul", invStd, inner));
        }
    }
}
