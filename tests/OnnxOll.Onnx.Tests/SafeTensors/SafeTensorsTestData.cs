using System.Buffers.Binary;
using System.Text;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Onnx.Tests.SafeTensors;

/// <summary>Builds safetensors bytes by hand, independently of <see cref="SafeTensorsWriter"/>.</summary>
internal static class SafeTensorsTestData
{
    /// <summary>Length prefix + the header text exactly as given + <paramref name="data"/>.</summary>
    public static byte[] Raw(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        return Raw((ulong)header.Length, header, data);
    }

    public static byte[] Raw(ulong headerLength, byte[] header, byte[] data)
    {
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>Little-endian encoding of <paramref name="values"/> as <paramref name="dtype"/> (values must be representable).</summary>
    public static byte[] Encode(SafeTensorDType dtype, double[] values)
    {
        var size = SafeTensorDTypes.ElementSize(dtype);
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            var slot = bytes.AsSpan(i * size, size);
            var v = values[i];
            switch (dtype)
            {
                case SafeTensorDType.F32: BinaryPrimitives.WriteSingleLittleEndian(slot, (float)v); break;
                case SafeTensorDType.F64: BinaryPrimitives.WriteDoubleLittleEndian(slot, v); break;
                case SafeTensorDType.F16: BinaryPrimitives.WriteHalfLittleEndian(slot, (Half)v); break;
                case SafeTensorDType.BF16:
                    BinaryPrimitives.WriteUInt16LittleEndian(slot, (ushort)(BitConverter.SingleToUInt32Bits((float)v) >> 16));
                    break;
                case SafeTensorDType.I64: BinaryPrimitives.WriteInt64LittleEndian(slot, (long)v); break;
                case SafeTensorDType.I32: BinaryPrimitives.WriteInt32LittleEndian(slot, (int)v); break;
                case SafeTensorDType.I16: BinaryPrimitives.WriteInt16LittleEndian(slot, (short)v); break;
                case SafeTensorDType.I8: slot[0] = unchecked((byte)(sbyte)v); break;
                case SafeTensorDType.U8 or SafeTensorDType.Bool: slot[0] = (byte)v; break;
                default: throw new ArgumentOutOfRangeException(nameof(dtype));
            }
        }

        return bytes;
    }

    /// <summary>Seeded values every encoding of <paramref name="dtype"/> holds exactly (quarters in [-16, 16) for floats).</summary>
    public static double[] Values(SafeTensorDType dtype, long count, int seed)
    {
        var random = new Random(seed);
        var values = new double[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = dtype switch
            {
                SafeTensorDType.F32 or SafeTensorDType.F64 or SafeTensorDType.F16 or SafeTensorDType.BF16 =>
                    random.Next(-64, 64) / 4.0,
                SafeTensorDType.I64 => random.NextInt64(long.MinValue / 2, long.MaxValue / 2) >> 11 << 11,
                SafeTensorDType.I32 => random.Next(int.MinValue, int.MaxValue),
                SafeTensorDType.I16 => random.Next(short.MinValue, short.MaxValue + 1),
                SafeTensorDType.I8 => random.Next(sbyte.MinValue, sbyte.MaxValue + 1),
                SafeTensorDType.U8 => random.Next(0, 256),
                SafeTensorDType.Bool => random.Next(0, 2),
                _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
            };
        }

        return values;
    }

    public static bool IsFloat(SafeTensorDType dtype) =>
        dtype is SafeTensorDType.F32 or SafeTensorDType.F64 or SafeTensorDType.F16 or SafeTensorDType.BF16;

    public static long ElementCount(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);
}
