using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace OnnxOll.Runtime;

/// <summary>A preallocated tensor bound as an input or output of a <see cref="BoundRun"/>: fixed shape, native buffer.</summary>
/// <remarks>Owned by the <see cref="BoundRun"/> that handed it out: do not dispose it; it stays valid until that run is
/// disposed or evicts it from its shape cache. Spans over <see cref="AsSpan{T}"/> are valid for the same time.</remarks>
public sealed unsafe class BoundTensor
{
    private readonly long[] shape;
    private readonly void* data;

    internal BoundTensor(string name, TensorElementType elementType, ReadOnlySpan<long> shape)
    {
        Name = name;
        ElementType = elementType;
        this.shape = shape.ToArray();
        Value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, elementType, this.shape);
        var bytes = Value.GetTensorMutableRawData();
        ByteLength = bytes.Length;
        data = Unsafe.AsPointer(ref MemoryMarshal.GetReference(bytes));
        ElementCount = 1;
        foreach (long d in this.shape)
        {
            ElementCount *= d;
        }
    }

    /// <summary>The graph input or output this tensor is bound to.</summary>
    public string Name { get; }

    /// <summary>ONNX Runtime element type of the buffer.</summary>
    public TensorElementType ElementType { get; }

    /// <summary>The tensor's shape.</summary>
    public ReadOnlySpan<long> Shape => shape;

    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public long ElementCount { get; }

    /// <summary>Size of the buffer in bytes.</summary>
    public int ByteLength { get; }

    /// <summary>The underlying value (owned by the run; do not dispose).</summary>
    public OrtValue Value { get; }

    /// <summary>The buffer as elements of <typeparamref name="T"/>, which must match <see cref="ElementType"/>; never allocates.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (ElementTypeOf<T>.Value != ElementType)
        {
            throw new InvalidOperationException($"Bound tensor '{Name}' holds {ElementType}, not {typeof(T).Name}.");
        }

        return new Span<T>(data, ByteLength / sizeof(T));
    }

    /// <summary>True when this tensor's shape equals <paramref name="other"/>.</summary>
    public bool HasShape(ReadOnlySpan<long> other) => other.SequenceEqual(shape);

    internal void Release() => Value.Dispose();

    private static class ElementTypeOf<T>
    {
        public static readonly TensorElementType Value = typeof(T) switch
        {
            var t when t == typeof(float) => TensorElementType.Float,
            var t when t == typeof(double) => TensorElementType.Double,
            var t when t == typeof(long) => TensorElementType.Int64,
            var t when t == typeof(int) => TensorElementType.Int32,
            var t when t == typeof(bool) => TensorElementType.Bool,
            var t when t == typeof(byte) => TensorElementType.UInt8,
            var t when t == typeof(sbyte) => TensorElementType.Int8,
            var t when t == typeof(Half) => TensorElementType.Float16,
            _ => TensorElementType.DataTypeMax,
        };
    }
}
