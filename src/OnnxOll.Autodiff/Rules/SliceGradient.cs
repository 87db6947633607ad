using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Slice with unit steps: the gradient is dY padded with zeros (pads fixed, or computed when sizes are symbolic).</summary>
internal sealed class SliceGradient : IGradientRule
{
    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0);
        var dims = ctx.Facts(x).Dims ?? throw ctx.Unsupported($"the rank of '{x}' is unknown");
        var starts = ctx.ConstantInt64s(ctx.Input(1));
        var ends = ctx.ConstantInt64s(ctx.Input(2));
        var axes = ctx.HasInput(3) ? ctx.ConstantInt64s(ctx.Input(3)) : starts?.Select((_, i) => (long)i).ToArray();
        var steps = ctx.HasInput(4) ? ctx.ConstantInt64s(ctx.Input(4)) : starts?.Select(_ => 1L).ToArray();
        if (starts is null || axes is null || steps is null)
        {
            throw ctx.Unsupported("its starts, axes or steps are computed at run time");
        }

        var begins = new string?[dims.Length];
        var tails = new string?[dims.Length];
        var pads = new long[2 * dims.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = (int)(axes[i] < 0 ? axes[i] + dims.Length : axes[i]);
            if (steps[i] != 1)
            {
                throw ctx.Unsupported($"axis {a} has step {steps[i]}; only unit steps are supported");
            }

            if (ends is not null && SliceRange.Of(dims[a], starts[i], ends[i], steps[i]) is { } r)
            {
                pads[a] = r.Start;
                pads[a + dims.Length] = dims[a].Value - r.Start - r.Count;
            }
            else
            {
                (begins[a], tails[a]) = RunTimePads(ctx, dY, x, a, starts[i]);
            }
        }

        if (begins.All(b => b is null))
        {
            // dX = pad(dY, zeros around the slice)
            ctx.SetGradient(0, pads.All(p => p == 0) ? dY : ctx.Op("Pad", dY, ctx.Int64s(pads)));
            return;
        }

        var pieces = Enumerable.Range(0, 2 * dims.Length).Select(j =>
            (j < dims.Length ? begins[j] : tails[j - dims.Length]) ?? ctx.Int64s(pads[j])).ToArray();
        // dX = pad(dY, zeros around the slice), pads computed from shape(X) at run time
        ctx.SetGradient(0, ctx.Op("Pad", dY, ctx.Op("Concat", pieces, Attr.Int("axis", 0))));
    }

    /// <summary>Pads before and after the slice along axis <paramref name="a"/> when X's size there is known only at run time.</summary>
    private static (string Begin, string Tail) RunTimePads(GradientContext ctx, string dY, string x, int a, long start)
    {
        string size = ctx.Op("Slice", ctx.ShapeOf(x), ctx.Int64s(a), ctx.Int64s(a + 1));
        string begin = start >= 0
            ? ctx.Op("Min", ctx.Int64s(start), size)
            : ctx.Op("Max", ctx.Op("Add", size, ctx.Int64s(start)), ctx.Int64s(0));
        string count = ctx.Op("Slice", ctx.Op("Shape", dY), ctx.Int64s(a), ctx.Int64s(a + 1));
        return (begin, ctx.Op("Sub", ctx.Op("Sub", size, begin), count));
    }
}
