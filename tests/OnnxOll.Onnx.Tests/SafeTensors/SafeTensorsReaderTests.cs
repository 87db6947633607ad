using System.Buffers.Binary;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport;

namespace OnnxOll.Onnx.Tests.SafeTensors;

public sealed class SafeTensorsReaderTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void HandBuiltFileIsReadAtTheOffsetsItsHeaderGives()
    {
        // Layout as the Python safetensors package writes it: metadata first, 8-byte aligned, data not in header order.
        var data = new byte[24];
        BinaryPrimitives.WriteDoubleLittleEndian(data, -0.5);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), 1e300);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(16), -300);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(18), 300);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(20), short.MinValue);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(22), short.MaxValue);
        const string header = "{\"__metadata__\":{\"format\":\"pt\"}," +
            "\"b.idx\":{\"dtype\":\"I16\",\"shape\":[2,2],\"data_offsets\":[16,24]}," +
            "\"a.w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        var path = temp.File("hand.safetensors");
        File.WriteAllBytes(path, SafeTensorsTestData.Raw(header + new string(' ', 6), data));

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(8 + header.Length + 6, file.DataStart);
        Assert.Equal(["b.idx", "a.w"], file.Tensors.Select(t => t.Name));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(new SafeTensorInfo("a.w", SafeTensorDType.F64, [2], 0, 16).ToString(), file.Get("a.w").ToString());
        Assert.Equal([-0.5, 1e300], file.ReadFloat64("a.w"));
        Assert.Equal([-0.5f, float.PositiveInfinity], file.ReadFloat32("a.w"));
        Assert.Equal([-300L, 300, short.MinValue, short.MaxValue], file.ReadInt64("b.idx"));
        Assert.Equal(16, file.Get("b.idx").Begin);
        Assert.Equal(data[16..], file.ReadRaw("b.idx"));
    }

    // Columns: dtype, values each type holds exactly (read back through ReadInt64).
    [Theory]
    [InlineData(SafeTensorDType.I64, new[] { long.MinValue, -1L, 0L, long.MaxValue })]
    [InlineData(SafeTensorDType.I32, new[] { (long)int.MinValue, -1L, 0L, int.MaxValue })]
    [InlineData(SafeTensorDType.I16, new[] { (long)short.MinValue, -1L, 0L, short.MaxValue })]
    [InlineData(SafeTensorDType.I8, new[] { -128L, -1L, 0L, 127L })]
    [InlineData(SafeTensorDType.U8, new[] { 0L, 1L, 128L, 255L })]
    [InlineData(SafeTensorDType.Bool, new[] { 0L, 1L, 1L, 0L })]
    public void IntegerTypesWidenToInt64(SafeTensorDType dtype, long[] values)
    {
        // Little-endian two's complement: the low `size` bytes of the 64-bit encoding.
        var size = SafeTensorDTypes.ElementSize(dtype);
        var bytes = new byte[values.Length * size];
        var wide = new byte[8];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(wide, values[i]);
            wide.AsSpan(0, size).CopyTo(bytes.AsSpan(i * size));
        }

        using var file = OpenSingle(dtype, [2, 2], bytes);
        Assert.Equal(values, file.ReadInt64("t"));
    }

    [Fact]
    public void Float64NarrowsToFloat32ByRounding()
    {
        double[] values = [0.1, Math.PI, 1e-50, -1e50, 1 + Math.Pow(2, -24)];
        var bytes = SafeTensorsTestData.Encode(SafeTensorDType.F64, values);

        using var file = OpenSingle(SafeTensorDType.F64, [5], bytes);
        Assert.Equal(values.Select(v => (float)v), file.ReadFloat32("t"));
        var destination = new float[5];
        file.ReadFloat32("t", destination);
        Assert.Equal(values.Select(v => (float)v), destination);
    }

    // Columns: stored dtype, reader that must refuse it, the accepted list the message gives (never the reader's method name).
    [Theory]
    [InlineData(SafeTensorDType.I64, "ReadFloat32", "F32, F64, F16 or BF16 (floating-point values)")]
    [InlineData(SafeTensorDType.Bool, "ReadFloat64", "F64, F32, F16 or BF16 (floating-point values)")]
    [InlineData(SafeTensorDType.F32, "ReadInt64", "I64, I32, I16, I8, U8 or BOOL (integer values)")]
    public void ReadingTheWrongKindOfDTypeNamesFileTensorAndDType(SafeTensorDType dtype, string reader, string accepted)
    {
        using var file = OpenSingle(dtype, [1], new byte[SafeTensorDTypes.ElementSize(dtype)]);
        Action read = reader switch
        {
            "ReadFloat32" => () => file.ReadFloat32("t"),
            "ReadFloat64" => () => file.ReadFloat64("t"),
            _ => () => file.ReadInt64("t"),
        };

        var error = Assert.Throws<SafeTensorsFormatException>(read);
        Assert.Equal(
            $"{file.Path}: tensor 't': field 'dtype' is {SafeTensorDTypes.ToName(dtype)}, expected {accepted}",
            error.Message);
    }

    [Fact]
    public void MissingTensorThrowsKeyNotFoundNamingFileAndTensor()
    {
        using var file = OpenSingle(SafeTensorDType.U8, [1], [7]);
        Assert.False(file.Contains("nope"));
        var error = Assert.Throws<KeyNotFoundException>(() => file.Get("nope"));
        Assert.Contains(file.Path, error.Message);
        Assert.Contains("'nope'", error.Message);
        Assert.Throws<KeyNotFoundException>(() => file.ReadFloat32("nope"));
    }

    [Fact]
    public void DestinationOfTheWrongLengthIsRejected()
    {
        using var file = OpenSingle(SafeTensorDType.F32, [2], new byte[8]);
        var error = Assert.Throws<ArgumentException>(() => file.ReadFloat32("t", new float[3]));
        Assert.Contains("tensor 't' has 2 elements", error.Message);
    }

    [Fact]
    public void BytesAreUnavailableAfterDispose()
    {
        var file = OpenSingle(SafeTensorDType.U8, [1], [7]);
        Assert.Equal(7, file.GetBytes("t")[0]);
        file.Dispose();
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => file.GetBytes("t").Length);
    }

    [Fact]
    public void WriterCannotTruncateAFileThatIsMappedButCanReplaceItByRename()
    {
        using var file = OpenSingle(SafeTensorDType.F32, [2], new byte[8]);
        var writer = new SafeTensorsWriter();
        writer.Add("t", new float[] { 1, 2 }, 2);

        Assert.ThrowsAny<IOException>(() => writer.Write(file.Path));
        writer.Write(file.Path + ".tmp");
        File.Move(file.Path + ".tmp", file.Path, overwrite: true);

        Assert.Equal([0f, 0f], file.ReadFloat32("t"));
        using var replaced = SafeTensorsFile.Open(file.Path);
        Assert.Equal([1f, 2f], replaced.ReadFloat32("t"));
    }

    [Fact]
    public void DTypeNamesRoundTripAndSizesMatchTheFormat()
    {
        string[] names = ["F32", "F64", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"];
        int[] sizes = [4, 8, 2, 2, 8, 4, 2, 1, 1, 1];
        Assert.Equal(names, SafeTensorDTypes.All.Select(SafeTensorDTypes.ToName));
        Assert.Equal(sizes, SafeTensorDTypes.All.Select(SafeTensorDTypes.ElementSize));
        Assert.Equal(SafeTensorDTypes.All, names.Select(SafeTensorDTypes.Parse));
        Assert.Contains("expected one of F32", Assert.Throws<FormatException>(() => SafeTensorDTypes.Parse("Bool")).Message);
    }

    private SafeTensorsFile OpenSingle(SafeTensorDType dtype, long[] shape, byte[] bytes)
    {
        var writer = new SafeTensorsWriter();
        writer.Add("t", dtype, shape, bytes);
        var path = temp.File($"single-{Guid.NewGuid():N}.safetensors");
        writer.Write(path);
        return SafeTensorsFile.Open(path);
    }
}
