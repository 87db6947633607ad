using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>Slice with unit steps along axes of fixed size: the gradient is dY padded with zeros.</summary>
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
        if (starts is null || ends is null || axes is null || steps is null)
        {
            throw ctx.Unsupported("its starts, ends, axes or steps are computed at run time");
        }

        var pads = new long[2 * dims.Length];
        for (int i = 0; i < axes.Length; i++)
        {
            int a = (int)(axes[i] < 0 ? axes[i] + dims.Length : axes[i]);
            if (steps[i] != 1 || SliceRange.Of(dims[a], starts[i], ends[i], steps[i]) is not { } r)
            {
                throw ctx.Unsupported($"axis {a} has step {steps[i]} or a size not fixed ({dims[a]})");
            }

            pads[a] = r.Start;
            pads[a + dims.Length] = dims[a].Value - r.Start - r.Count;
        }

        // dX = pad(dY, zeros around the slice)
        ctx.SetGradient(0, pads.All(p => p == 0) ? dY : ctx.Op("Pad", dY, ctx.Int64s(pads)));
    }
}
