using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Gather along any axis: the gradient scatter-adds dY rows back to the gathered positions.</summary>
internal sealed class GatherGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, data = ctx.Input(0), indices = ctx.Input(1);
        int rank = ctx.RequireRank(data);
        long axisAttr = ctx.Attribute("axis", 0L);
        int axis = (int)(axisAttr < 0 ? axisAttr + rank : axisAttr);
        var dims = ctx.Facts(data).Dims!;

        // dY viewed as data's shape with the gathered axis flattened: [d₀…d_{a-1}, n, d_{a+1}…]
        string flatShape = dims.Where((_, i) => i != axis).All(d => !d.IsSymbolic)
            ? ctx.Int64s([.. dims.Select((d, i) => i == axis ? -1 : d.Value)])
            : ctx.Op("Concat", [ctx.Op("Slice", ctx.ShapeOf(data), ctx.Int64s(0), ctx.Int64s(axis)), ctx.Int64s(-1),
                ctx.Op("Slice", ctx.ShapeOf(data), ctx.Int64s(axis + 1), ctx.Int64s(rank))], Attr.Int("axis", 0));
        string flat = ctx.Op("Reshape", dY, flatShape);
        string line = ctx.Op("Reshape", indices, ctx.Int64s([.. Enumerable.Range(0, rank).Select(i => i == axis ? -1L : 1L)]));
        string index = ctx.Op("Expand", line, ctx.Op("Shape", flat));
        // dData[…, I[k], …] += dY[…, k, …]
        ctx.SetGradient(0, ctx.Op("ScatterElements", [ctx.Zeros(data), index, flat], Attr.Int("axis", axis), Attr.String("reduction", "add")));
    }
}
