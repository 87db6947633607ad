using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Onnx.Tests.SafeTensors;

public sealed class SafeTensorsWriterTests
{
    [Fact]
    public void DuplicateNameIsRejected()
    {
        var writer = new SafeTensorsWriter();
        writer.Add("w", new float[] { 1 }, 1);
        var error = Assert.Throws<ArgumentException>(() => writer.Add("w", new int[] { 1 }, 1));
        Assert.Contains("tensor 'w' was already added", error.Message);
        Assert.Equal(1, writer.Count);
    }

    // Columns: dtype, shape, byte length given, fragment of the message.
    [Theory]
    [InlineData(SafeTensorDType.F32, new long[] { 2, 3 }, 20, "tensor 'w': 20 bytes given, shape [2, 3] of F32 needs 24")]
    [InlineData(SafeTensorDType.BF16, new long[] { }, 4, "tensor 'w': 4 bytes given, shape [] of BF16 needs 2")]
    [InlineData(SafeTensorDType.Bool, new long[] { 0 }, 1, "tensor 'w': 1 bytes given, shape [0] of BOOL needs 0")]
    [InlineData(SafeTensorDType.I8, new long[] { 2, -1 }, 2, "tensor 'w': dimension 1 is -1, expected >= 0")]
    [InlineData(SafeTensorDType.I64, new long[] { 1L << 62, 4 }, 8, "tensor 'w': shape [4611686018427387904, 4] is too large")]
    public void RawDataOfTheWrongSizeIsRejected(SafeTensorDType dtype, long[] shape, int byteLength, string expected)
    {
        var writer = new SafeTensorsWriter();
        var error = Assert.Throws<ArgumentException>(() => writer.Add("w", dtype, shape, new byte[byteLength]));
        Assert.Contains(expected, error.Message);
        Assert.Equal(0, writer.Count);
    }

    // Columns: overload, element count given, shape, fragment of the message.
    [Theory]
    [InlineData("float", 5, new long[] { 2, 3 }, "tensor 'w': 5 elements given, shape [2, 3] needs 6")]
    [InlineData("double", 2, new long[] { }, "tensor 'w': 2 elements given, shape [] needs 1")]
    [InlineData("long", 1, new long[] { 0 }, "tensor 'w': 1 elements given, shape [0] needs 0")]
    [InlineData("int", 4, new long[] { 5 }, "tensor 'w': 4 elements given, shape [5] needs 5")]
    [InlineData("f16", 3, new long[] { 2, 2 }, "tensor 'w': 3 elements given, shape [2, 2] needs 4")]
    [InlineData("bf16", 3, new long[] { 1 }, "tensor 'w': 3 elements given, shape [1] needs 1")]
    public void TypedDataOfTheWrongCountIsRejected(string overload, int count, long[] shape, string expected)
    {
        var writer = new SafeTensorsWriter();
        Action add = overload switch
        {
            "float" => () => writer.Add("w", new float[count], shape),
            "double" => () => writer.Add("w", new double[count], shape),
            "long" => () => writer.Add("w", new long[count], shape),
            "int" => () => writer.Add("w", new int[count], shape),
            "f16" => () => writer.AddFloat16("w", new float[count], shape),
            _ => () => writer.AddBFloat16("w", new float[count], shape),
        };

        Assert.Contains(expected, Assert.Throws<ArgumentException>(add).Message);
    }

    [Theory]
    [InlineData("__metadata__", "reserved")]
    [InlineData("", "name")]
    public void ReservedOrEmptyNameIsRejected(string name, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => new SafeTensorsWriter().Add(name, new float[] { 1 }, 1));
        Assert.Contains(expected, error.Message);
    }
}
