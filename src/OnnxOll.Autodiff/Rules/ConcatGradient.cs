using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Concat: Y = [X₁ | X₂ | …] along an axis.</summary>
internal sealed class ConcatGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!;
        long axis = ctx.Attribute("axis", 0L);
        int rank = ctx.RequireRank(ctx.Output(0));
        int a = (int)(axis < 0 ? axis + rank : axis);
        var sizes = Enumerable.Range(0, ctx.InputCount).Select(i => ctx.Facts(ctx.Input(i)).Dims?[a]).ToList();
        string split = sizes.All(d => d is { IsSymbolic: false })
            ? ctx.Int64s([.. sizes.Select(d => d!.Value.Value)])
            : ctx.Op("Concat", [.. Enumerable.Range(0, ctx.InputCount).Select(i =>
                ctx.Op("Slice", ctx.ShapeOf(ctx.Input(i)), ctx.Int64s(a), ctx.Int64s(a + 1)))], Attr.Int("axis", 0));
        // dXᵢ = dY[…, offsetᵢ : offsetᵢ + sizeᵢ, …]
        var parts = ctx.Op("Split", [dY, split], ctx.InputCount, Attr.Int("axis", a));
        for (int i = 0; i < ctx.InputCount; i++)
        {
            ctx.SetGradient(i, parts[i]);
        }
    }
}
