using OnnxOll.Onnx.Graph;

namespace OnnxOll.Autodiff.Rules;

/// <summary>2-D Conv with group 1: Y[n,m,p,q] = Σ X[n,c,p·s+i·d-pad,…] W[m,c,i,j] + B[m].</summary>
internal sealed class ConvGradient : IGradientRule
{
    private static readonly long[] SwapBatchChannel = [1, 0, 2, 3];

    public void Emit(GradientContext ctx)
    {
        string dY = ctx.OutputGradient(0)!, x = ctx.Input(0), w = ctx.Input(1), y = ctx.Output(0);
        var xDims = ctx.Facts(x).Dims;
        var conv = ConvAttributes.Of(ctx.Node, ctx.Facts(w).Dims);
        if (xDims is not { Length: 4 } || conv.Group != 1 || conv.AutoPad != "NOTSET" || conv.Kernel.Any(k => k <= 0))
        {
            throw ctx.Unsupported("only 2-D Conv with group 1, explicit pads and a known kernel size is supported");
        }

        var strides = Attr.Ints("strides", conv.Strides);
        var dilations = Attr.Ints("dilations", conv.Dilations);
        var pads = Attr.Ints("pads", conv.Pads);
        if (ctx.IsGradientNeeded(0))
        {
            var yDims = ctx.Facts(y).Dims;
            if (yDims is null || xDims[2].IsSymbolic || xDims[3].IsSymbolic || yDims[2].IsSymbolic || yDims[3].IsSymbolic)
            {
                throw ctx.Unsupported("the input gradient needs fixed spatial sizes");
            }

            long[] outputPadding = [.. Enumerable.Range(0, 2).Select(i =>
                xDims[2 + i].Value - (((yDims[2 + i].Value - 1) * conv.Strides[i]) - conv.Pads[i] - conv.Pads[i + 2] + (conv.Dilations[i] * (conv.Kernel[i] - 1)) + 1))];
            // dX = ConvTranspose(dY, W)
            ctx.SetGradient(0, ctx.Op("ConvTranspose", [dY, w], strides, dilations, pads, Attr.Ints("output_padding", outputPadding)));
        }

        if (ctx.IsGradientNeeded(1))
        {
            // dWᵀ = Conv(Xᵀ, dYᵀ) with stride and dilation swapped (ᵀ: batch ↔ channel), cropped to the kernel
            string xt = ctx.Op("Transpose", [x], Attr.Ints("perm", SwapBatchChannel));
            string dyt = ctx.Op("Transpose", [dY], Attr.Ints("perm", SwapBatchChannel));
            string full = ctx.Op("Conv", [xt, dyt], Attr.Ints("strides", conv.Dilations), Attr.Ints("dilations", conv.Strides), pads);
            string cropped = ctx.Op("Slice", full, ctx.Int64s(0, 0), ctx.Int64s(conv.Kernel), ctx.Int64s(2, 3));
            ctx.SetGradient(1, ctx.Op("Transpose", [cropped], Attr.Ints("perm", SwapBatchChannel)));
        }

        if (ctx.IsGradientNeeded(2))
        {
            // dB = Σ_{n,p,q} dY
            ctx.SetGradient(2, ctx.Op("ReduceSum", [dY, ctx.Int64s(0, 2, 3)], Attr.Int("keepdims", 0)));
        }
    }
}
