using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>ScatterElements (reduction none or add): Y = X with U[i…] written (or added) at X[…, I[i…], …] along an axis.</summary>
/// <remarks>With reduction none the indices must be distinct, as ONNX requires; min, max and mul reductions are refused.</remarks>
internal sealed class ScatterElementsGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, indices = ctx.Input(1), updates = ctx.Input(2);
        string reduction = ctx.Attribute("reduction", "none");
        if (reduction is not ("none" or "add"))
        {
            throw ctx.Unsupported($"reduction '{reduction}' has no gradient rule (none and add have)");
        }

        var axis = Attr.Int("axis", ctx.Attribute("axis", 0L));
        if (ctx.IsGradientNeeded(0))
        {
            // none: dX = dY with 0 where U was written; add: dX = dY
            ctx.SetGradient(0, reduction == "add" ? ctx.Op("Identity", dY) : ctx.Op("ScatterElements", [dY, indices, ctx.Zeros(updates)], axis));
        }

        if (ctx.IsGradientNeeded(2))
        {
            // dU[i…] = dY[…, I[i…], …]
            ctx.SetGradient(2, ctx.Op("GatherElements", [dY, indices], axis));
        }
    }
}
