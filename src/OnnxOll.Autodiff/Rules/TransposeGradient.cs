using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Transpose: Y = Xᵖᵉʳᵐ.</summary>
internal sealed class TransposeGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!;
        var perm = ctx.Ints("perm") ?? [.. Enumerable.Range(0, ctx.RequireRank(ctx.Input(0))).Reverse().Select(i => (long)i)];
        var inverse = new long[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            inverse[perm[i]] = i;
        }

        // dX = dYᵖᵉʳᵐ⁻¹
        ctx.SetGradient(0, ctx.Op("Transpose", [dY], Attr.Ints("perm", inverse)));
    }
}
