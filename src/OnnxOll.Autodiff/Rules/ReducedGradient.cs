using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Shared by the Reduce rules: broadcasts a reduced gradient back to the input's shape.</summary>
internal static class ReducedGradient
{
    /// <summary>The reduced axes, or null when every axis is reduced; throws when they are computed at run time.</summary>
    public static long[]? Axes(GradientContext ctx)
    {
        long[]? axes = ctx.HasInput(1) ? ctx.ConstantInt64s(ctx.Input(1)) ?? throw ctx.Unsupported("its axes are computed at run time")
            : ctx.Ints("axes");
        return axes is null || axes.Length == 0 ? null : axes;
    }

    /// <summary>True when the node reduces nothing (empty axes with noop_with_empty_axes = 1).</summary>
    public static bool IsNoop(GradientContext ctx) => Axes(ctx) is null && ctx.Attribute("noop_with_empty_axes", 0L) != 0;

    /// <summary><paramref name="reduced"/> (shaped like the node's output) unsqueezed back to keepdims form.</summary>
    public static string KeepDims(GradientContext ctx, string reduced)
    {
        if (ctx.Attribute("keepdims", 1L) != 0 || IsNoop(ctx))
        {
            return reduced;
        }

        var axes = Axes(ctx);
        return axes is null ? reduced : ctx.Op("Unsqueeze", reduced, ctx.Int64s(axes));
    }

    /// <summary>Expands a keepdims-form value to the shape of input 0.</summary>
    public static string Expand(GradientContext ctx, string keptDims) =>
        IsNoop(ctx) ? keptDims : ctx.Op("Expand", keptDims, ctx.ShapeOf(ctx.Input(0)));

    /// <summary>The number of elements each output element sums over, as a scalar constant or a run-time value.</summary>
    public static string Count(GradientContext ctx)
    {
        string x = ctx.Input(0), y = ctx.Output(0);
        var dims = ctx.Facts(x).Dims;
        var axes = Axes(ctx);
        if (IsNoop(ctx))
        {
            return ctx.Scalar(1, x);
        }

        if (dims is not null)
        {
            var reduced = axes is null ? dims : axes.Select(a => dims[(int)(a < 0 ? a + dims.Length : a)]).ToArray();
            if (reduced.All(d => !d.IsSymbolic))
            {
                return ctx.Scalar(reduced.Aggregate(1L, (p, d) => p * d.Value), x);
            }
        }

        string ratio = ctx.Op("Div", ctx.Op("Size", x), ctx.Op("Size", y));
        return ctx.Op("Cast", [ratio], Attr.Int("to", (long)ctx.TypeOf(x)));
    }
}
