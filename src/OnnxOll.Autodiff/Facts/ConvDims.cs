using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Autodiff.Facts;

/// <summary>Output dimensions of a 2-D Conv: [N, output channels, H', W'] from kernel, pads, strides and dilations.</summary>
internal static class ConvDims
{
    public static Dim[]? Of(NodeProto n, Dim[]? x, Dim[]? w)
    {
        if (x is null || w is null || x.Length != 4)
        {
            return null;
        }

        var conv = ConvAttributes.Of(n, w);
        var result = new Dim[] { x[0], w[0], ValueFacts.Unknown, ValueFacts.Unknown };
        for (int i = 0; i < 2; i++)
        {
            if (!x[2 + i].IsSymbolic && conv.Kernel[i] > 0)
            {
                result[2 + i] = ((x[2 + i].Value + conv.Pads[i] + conv.Pads[i + 2] - (conv.Dilations[i] * (conv.Kernel[i] - 1)) - 1) / conv.Strides[i]) + 1;
            }
        }

        return result;
    }
}
