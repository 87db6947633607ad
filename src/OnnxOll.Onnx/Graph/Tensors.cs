using System.Runtime.InteropServices;
using Google.Protobuf;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Onnx.Graph;

/// <summary>Creates ONNX tensors from spans and reads their values back.</summary>
public static class Tensors
{
    /// <summary>A tensor holding a copy of <paramref name="data"/> as raw little-endian bytes.</summary>
    public static TensorProto Create<T>(string name, ReadOnlySpan<T> data, ReadOnlySpan<long> dims) where T : unmanaged
    {
        long count = 1;
        foreach (var d in dims)
        {
            count *= d;
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(",", dims.ToArray())}] holds {count} elements but {data.Length} were given.");
        }

        var t = new TensorProto { Name = name, DataType = (int)ElementTypes.Of<T>() };
        t.Dims.AddRange(dims.ToArray());
        t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data));
        return t;
    }

    /// <summary>The number of elements of a tensor's shape.</summary>
    public static long ElementCount(TensorProto tensor)
    {
        long count = 1;
        foreach (var d in tensor.Dims)
        {
            count *= d;
        }

        return count;
    }

    /// <summary>Reads an in-memory tensor's values (raw data or typed fields) as <typeparamref name="T"/>.</summary>
    public static T[] ToArray<T>(TensorProto tensor) where T : unmanaged
    {
        var expected = ElementTypes.Of<T>();
        if ((TensorProto.Types.DataType)tensor.DataType != expected)
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}': data_type is {(TensorProto.Types.DataType)tensor.DataType}, expected {expected}.");
        }

        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}': data is external; load the model with its external data first.");
        }

        long count = ElementCount(tensor);
        if (tensor.HasRawData)
        {
            if (tensor.RawData.Length != count * ElementTypes.SizeOf(expected))
            {
                throw new InvalidDataException($"Tensor '{tensor.Name}': raw_data has {tensor.RawData.Length} bytes, expected {count * ElementTypes.SizeOf(expected)}.");
            }

            return MemoryMarshal.Cast<byte, T>(tensor.RawData.Span).ToArray();
        }

        T[] typed = expected switch
        {
            TensorProto.Types.DataType.Float => (T[])(object)tensor.FloatData.ToArray(),
            TensorProto.Types.DataType.Double => (T[])(object)tensor.DoubleData.ToArray(),
            TensorProto.Types.DataType.Int64 => (T[])(object)tensor.Int64Data.ToArray(),
            TensorProto.Types.DataType.Int32 => (T[])(object)tensor.Int32Data.ToArray(),
            _ => throw new NotSupportedException($"Tensor '{tensor.Name}': typed field reading of {expected} is not supported."),
        };
        if (typed.Length != count)
        {
            throw new InvalidDataException($"Tensor '{tensor.Name}': holds {typed.Length} values, shape says {count}.");
        }

        return typed;
    }
}
