using System.Buffers.Binary;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport;

namespace OnnxOll.Onnx.Tests.SafeTensors;

public sealed class SafeTensorsHalfPrecisionTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    // Columns: float input, IEEE half bits worked out by hand (round to nearest, ties to even).
    [Theory]
    [InlineData(1f, 0x3C00)]
    [InlineData(-2f, 0xC000)]
    [InlineData(0.1f, 0x2E66)]
    [InlineData(65504f, 0x7BFF)]
    [InlineData(65520f, 0x7C00)]
    [InlineData(5.9604645e-8f, 0x0001)]
    [InlineData(-0f, 0x8000)]
    [InlineData(1.00048828125f, 0x3C00)]
    [InlineData(1.00146484375f, 0x3C02)]
    [InlineData(float.PositiveInfinity, 0x7C00)]
    public void Float16EncodingMatchesHandComputedBits(float value, int expectedBits)
    {
        Assert.Equal((ushort)expectedBits, WriteOne(value, bfloat: false));
    }

    // Columns: float input, bfloat16 bits worked out by hand (top 16 bits, round to nearest, ties to even).
    [Theory]
    [InlineData(1f, 0x3F80)]
    [InlineData(3.14159265f, 0x4049)]
    [InlineData(0.1f, 0x3DCD)]
    [InlineData(-0f, 0x8000)]
    [InlineData(1.00390625f, 0x3F80)]
    [InlineData(1.01171875f, 0x3F82)]
    [InlineData(-1.01171875f, 0xBF82)]
    [InlineData(float.MaxValue, 0x7F80)]
    [InlineData(float.NegativeInfinity, 0xFF80)]
    [InlineData(1e-40f, 0x0001)]
    public void BFloat16EncodingMatchesHandComputedBits(float value, int expectedBits)
    {
        Assert.Equal((ushort)expectedBits, WriteOne(value, bfloat: true));
    }

    [Fact]
    public void BFloat16EncodingKeepsNaN()
    {
        Assert.True(float.IsNaN(BitConverter.UInt32BitsToSingle((uint)WriteOne(float.NaN, bfloat: true) << 16)));
    }

    [Fact]
    public void RandomFloatsEncodeLikeTheReferences()
    {
        var random = new Random(1234);
        var values = new float[20_000];
        for (var i = 0; i < values.Length; i++)
        {
            // Uniform bit patterns cover every exponent; the second half is near 1 to exercise ties and half's range.
            var bits = i % 2 == 0 ? (uint)random.NextInt64(0, 1L << 32) : 0x3F800000u + (uint)random.Next(0, 1 << 24);
            values[i] = float.IsNaN(BitConverter.UInt32BitsToSingle(bits)) ? 0f : BitConverter.UInt32BitsToSingle(bits);
        }

        var writer = new SafeTensorsWriter();
        writer.AddFloat16("h", values, values.Length);
        writer.AddBFloat16("b", values, values.Length);
        var path = temp.File("random.safetensors");
        writer.Write(path);

        using var file = SafeTensorsFile.Open(path);
        var halves = file.GetBytes("h");
        var bfloats = file.GetBytes("b");
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(BitConverter.HalfToUInt16Bits((Half)values[i]), BinaryPrimitives.ReadUInt16LittleEndian(halves[(2 * i)..]));
            Assert.Equal(ReferenceBFloat16(values[i]), BinaryPrimitives.ReadUInt16LittleEndian(bfloats[(2 * i)..]));
        }
    }

    [Theory]
    [InlineData(SafeTensorDType.F16)]
    [InlineData(SafeTensorDType.BF16)]
    public void EveryHalfBitPatternDecodesToTheReferenceValue(SafeTensorDType dtype)
    {
        var data = new byte[2 * 65536];
        for (var i = 0; i < 65536; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(2 * i), (ushort)i);
        }

        var writer = new SafeTensorsWriter();
        writer.Add("all", dtype, [256, 256], data);
        var path = temp.File("all.safetensors");
        writer.Write(path);

        using var file = SafeTensorsFile.Open(path);
        var floats = file.ReadFloat32("all");
        var doubles = file.ReadFloat64("all");
        for (var i = 0; i < 65536; i++)
        {
            var expected = dtype == SafeTensorDType.F16
                ? (double)BitConverter.UInt16BitsToHalf((ushort)i)
                : DecodeBFloat16((ushort)i);
            Assert.Equal(expected, (double)floats[i]);
            Assert.Equal(expected, doubles[i]);
        }
    }

    private ushort WriteOne(float value, bool bfloat)
    {
        var writer = new SafeTensorsWriter();
        if (bfloat)
        {
            writer.AddBFloat16("x", [value]);
        }
        else
        {
            writer.AddFloat16("x", [value]);
        }

        var path = temp.File("one.safetensors");
        writer.Write(path);
        using var file = SafeTensorsFile.Open(path);
        return BinaryPrimitives.ReadUInt16LittleEndian(file.GetBytes("x"));
    }

    /// <summary>Value of bfloat16 <paramref name="bits"/> from sign, exponent and mantissa arithmetic.</summary>
    private static double DecodeBFloat16(ushort bits)
    {
        var sign = (bits & 0x8000) != 0 ? -1.0 : 1.0;
        var exponent = (bits >> 7) & 0xFF;
        var mantissa = bits & 0x7F;
        return exponent switch
        {
            0 => sign * mantissa * Math.Pow(2, -133),
            0xFF => mantissa == 0 ? sign * double.PositiveInfinity : double.NaN,
            _ => sign * (1 + (mantissa / 128.0)) * Math.Pow(2, exponent - 127),
        };
    }

    /// <summary>Nearest bfloat16 to a non-NaN <paramref name="value"/> by comparing distances; ties go to the even mantissa.</summary>
    private static ushort ReferenceBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        var below = (ushort)(bits >> 16);
        if ((bits & 0xFFFF) == 0)
        {
            return below;
        }

        var above = (ushort)(below + 1);
        var magnitude = Math.Abs((double)value);
        var belowDistance = magnitude - Math.Abs(DecodeBFloat16(below));
        // Past the largest finite bfloat16 the next step up is 2^128, which rounds to infinity.
        var aboveMagnitude = ((above >> 7) & 0xFF) == 0xFF ? Math.Pow(2, 128) : Math.Abs(DecodeBFloat16(above));
        var aboveDistance = aboveMagnitude - magnitude;
        if (belowDistance != aboveDistance)
        {
            return belowDistance < aboveDistance ? below : above;
        }

        return (below & 1) == 0 ? below : above;
    }
}
