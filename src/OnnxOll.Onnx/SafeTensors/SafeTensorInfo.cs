namespace OnnxOll.Onnx.SafeTensors;

/// <summary>One tensor entry of a safetensors header: dtype, shape and byte range within the data section.</summary>
/// <param name="Name">The tensor's key in the header.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar.</param>
/// <param name="Begin">Offset of the first byte, relative to the start of the data section.</param>
/// <param name="End">Offset one past the last byte, relative to the start of the data section.</param>
public sealed record SafeTensorInfo(string Name, SafeTensorDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Product of the dimensions (1 for a scalar, 0 if any dimension is 0).</summary>
    /// <exception cref="OverflowException">The product does not fit in a long.</exception>
    public long ElementCount =>
        SafeTensorShape.TryElementCount(Shape, out var count)
            ? count
            : throw new OverflowException($"tensor '{Name}': shape {SafeTensorShape.Format(Shape)} has too many elements");

    /// <summary>Length of the tensor's byte range, <c>End - Begin</c>.</summary>
    public long ByteLength => End - Begin;
}
