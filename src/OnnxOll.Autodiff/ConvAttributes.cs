using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Autodiff;

/// <summary>The attributes of a 2-D Conv node with defaults filled in (pads as [top, left, bottom, right]).</summary>
internal sealed record ConvAttributes(long[] Kernel, long[] Strides, long[] Pads, long[] Dilations, long Group, string AutoPad)
{
    public static ConvAttributes Of(NodeProto node, Dim[]? weightDims)
    {
        long[]? Ints(string name) => node.Attribute.FirstOrDefault(a => a.Name == name)?.Ints.ToArray();
        var kernel = Ints("kernel_shape") ?? (weightDims is { Length: 4 } ? [weightDims[2].Value, weightDims[3].Value] : [0, 0]);
        return new ConvAttributes(
            kernel,
            Ints("strides") ?? [1, 1],
            Ints("pads") ?? [0, 0, 0, 0],
            Ints("dilations") ?? [1, 1],
            node.Attribute.FirstOrDefault(a => a.Name == "group")?.I ?? 1,
            node.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8() ?? "NOTSET");
    }
}
