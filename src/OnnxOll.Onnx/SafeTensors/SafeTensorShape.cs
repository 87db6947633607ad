namespace OnnxOll.Onnx.SafeTensors;

/// <summary>Element and byte counts of safetensors shapes, with overflow reported instead of wrapped.</summary>
internal static class SafeTensorShape
{
    /// <summary>Product of the dimensions (0 if any is 0, 1 for a scalar); false if it does not fit in a long.</summary>
    public static bool TryElementCount(long[] shape, out long count)
    {
        count = 1;
        if (shape.Contains(0))
        {
            count = 0;
            return true;
        }

        foreach (var dim in shape)
        {
            if (dim > 0 && count > long.MaxValue / dim)
            {
                return false;
            }

            count *= dim;
        }

        return true;
    }

    /// <summary>Element count times the element size of <paramref name="dtype"/>; false if it does not fit in a long.</summary>
    public static bool TryByteLength(long[] shape, SafeTensorDType dtype, out long byteLength)
    {
        byteLength = 0;
        var size = SafeTensorDTypes.ElementSize(dtype);
        if (!TryElementCount(shape, out var count) || count > long.MaxValue / size)
        {
            return false;
        }

        byteLength = count * size;
        return true;
    }

    /// <summary>"[2, 3]" style text for messages.</summary>
    public static string Format(long[] shape) => $"[{string.Join(", ", shape)}]";
}
