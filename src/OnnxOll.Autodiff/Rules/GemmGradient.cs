using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Gemm: Y = α·op(A)·op(B) + β·C with op = transpose when transA/transB.</summary>
internal sealed class GemmGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, a = ctx.Input(0), b = ctx.Input(1);
        bool ta = ctx.Attribute("transA", 0L) != 0, tb = ctx.Attribute("transB", 0L) != 0;
        float alpha = ctx.Attribute("alpha", 1f), beta = ctx.Attribute("beta", 1f);
        var alphaAttr = Attr.Float("alpha", alpha);
        if (ctx.IsGradientNeeded(0))
        {
            // dA = α·dY·op(B)ᵀ, transposed back when transA
            ctx.SetGradient(0, ta
                ? ctx.Op("Gemm", [b, dY], alphaAttr, Attr.Int("transA", tb ? 1 : 0), Attr.Int("transB", 1))
                : ctx.Op("Gemm", [dY, b], alphaAttr, Attr.Int("transB", tb ? 0 : 1)));
        }

        if (ctx.IsGradientNeeded(1))
        {
            // dB = α·op(A)ᵀ·dY, transposed back when transB
            ctx.SetGradient(1, tb
                ? ctx.Op("Gemm", [dY, a], alphaAttr, Attr.Int("transA", 1), Attr.Int("transB", ta ? 1 : 0))
                : ctx.Op("Gemm", [a, dY], alphaAttr, Attr.Int("transA", ta ? 0 : 1)));
        }

        if (ctx.IsGradientNeeded(2))
        {
            // dC = β·Σ_broadcast dY
            string scaled = beta == 1f ? dY : ctx.Op("Mul", dY, ctx.Scalar(beta, dY));
            ctx.SetGradient(2, ctx.ReduceToShape(scaled, ctx.Output(0), ctx.Input(2)));
        }
    }
}
