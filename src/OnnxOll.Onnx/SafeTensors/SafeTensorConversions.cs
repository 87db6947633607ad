using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace OnnxOll.Onnx.SafeTensors;

/// <summary>Converts little-endian tensor bytes between safetensors dtypes and .NET element types.</summary>
internal static class SafeTensorConversions
{
    /// <summary>Bfloat16 bits of <paramref name="value"/>: its top 16 bits, rounded to nearest even; NaN stays a (quiet) NaN.</summary>
    public static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return (ushort)((bits >> 16) | 0x0040);
        }

        var roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>The float whose top 16 bits are <paramref name="bits"/> (exact).</summary>
    public static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>Bfloat16 encoding of <paramref name="source"/> as little-endian bytes.</summary>
    public static byte[] ToBFloat16Bytes(ReadOnlySpan<float> source)
    {
        var result = new ushort[source.Length];
        for (var i = 0; i < source.Length; i++)
        {
            result[i] = ToBFloat16(source[i]);
        }

        return MemoryMarshal.AsBytes(result.AsSpan()).ToArray();
    }

    /// <summary>IEEE half encoding of <paramref name="source"/> (round to nearest even) as little-endian bytes.</summary>
    public static byte[] ToFloat16Bytes(ReadOnlySpan<float> source)
    {
        var result = new Half[source.Length];
        TensorPrimitives.ConvertToHalf(source, result);
        return MemoryMarshal.AsBytes(result.AsSpan()).ToArray();
    }

    /// <summary>Widens or narrows F32/F64/F16/BF16 bytes into floats; false if <paramref name="dtype"/> is not a float type.</summary>
    public static bool TryToFloat32(SafeTensorDType dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case SafeTensorDType.F32:
                source.CopyTo(MemoryMarshal.AsBytes(destination));
                return true;
            case SafeTensorDType.F64:
                var doubles = MemoryMarshal.Cast<byte, double>(source);
                for (var i = 0; i < doubles.Length; i++)
                {
                    destination[i] = (float)doubles[i];
                }

                return true;
            case SafeTensorDType.F16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source), destination);
                return true;
            case SafeTensorDType.BF16:
                var halves = MemoryMarshal.Cast<byte, ushort>(source);
                for (var i = 0; i < halves.Length; i++)
                {
                    destination[i] = FromBFloat16(halves[i]);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>Widens F32/F64/F16/BF16 bytes into doubles; false if <paramref name="dtype"/> is not a float type.</summary>
    public static bool TryToFloat64(SafeTensorDType dtype, ReadOnlySpan<byte> source, Span<double> destination)
    {
        if (dtype == SafeTensorDType.F64)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            return true;
        }

        var floats = new float[destination.Length];
        if (!TryToFloat32(dtype, source, floats))
        {
            return false;
        }

        for (var i = 0; i < floats.Length; i++)
        {
            destination[i] = floats[i];
        }

        return true;
    }

    /// <summary>Widens I64/I32/I16/I8/U8/BOOL bytes into longs; false if <paramref name="dtype"/> is not an integer type.</summary>
    public static bool TryToInt64(SafeTensorDType dtype, ReadOnlySpan<byte> source, Span<long> destination)
    {
        switch (dtype)
        {
            case SafeTensorDType.I64:
                source.CopyTo(MemoryMarshal.AsBytes(destination));
                return true;
            case SafeTensorDType.I32:
                Widen(MemoryMarshal.Cast<byte, int>(source), destination);
                return true;
            case SafeTensorDType.I16:
                Widen(MemoryMarshal.Cast<byte, short>(source), destination);
                return true;
            case SafeTensorDType.I8:
                Widen(MemoryMarshal.Cast<byte, sbyte>(source), destination);
                return true;
            case SafeTensorDType.U8 or SafeTensorDType.Bool:
                Widen(source, destination);
                return true;
            default:
                return false;
        }
    }

    private static void Widen<T>(ReadOnlySpan<T> source, Span<long> destination)
        where T : System.Numerics.IBinaryInteger<T>
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = long.CreateTruncating(source[i]);
        }
    }
}
