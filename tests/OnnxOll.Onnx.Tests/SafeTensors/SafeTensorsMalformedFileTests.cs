using System.Text;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport;

namespace OnnxOll.Onnx.Tests.SafeTensors;

public sealed class SafeTensorsMalformedFileTests : IDisposable
{
    private const string F32Pair = "\"dtype\":\"F32\",\"shape\":[2]";

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    // Columns: header JSON, bytes of data after it, a fragment the message must contain (it names the field).
    [Theory]
    [InlineData("{\"a\": ", 0, "header is not valid JSON")]
    [InlineData("[1, 2]", 0, "header is a JSON Array, expected an object")]
    [InlineData("\"text\"", 0, "header is a JSON String, expected an object")]
    [InlineData("{\"a\": 3}", 0, "tensor 'a': entry is a JSON Number, expected an object")]
    [InlineData("{\"a\": {\"shape\": [2], \"data_offsets\": [0, 8]}}", 8, "tensor 'a': missing field 'dtype'")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"data_offsets\": [0, 8]}}", 8, "tensor 'a': missing field 'shape'")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2]}}", 8, "tensor 'a': missing field 'data_offsets'")]
    [InlineData("{\"a\": {\"dtype\": 1, \"shape\": [2], \"data_offsets\": [0, 8]}}", 8, "tensor 'a': field 'dtype' is a JSON Number")]
    [InlineData("{\"a\": {\"dtype\": \"F8_E4M3\", \"shape\": [2], \"data_offsets\": [0, 2]}}", 2, "tensor 'a': field 'dtype' is 'F8_E4M3', expected one of F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL")]
    [InlineData("{\"a\": {\"dtype\": \"f32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 8, "tensor 'a': field 'dtype' is 'f32'")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": 2, \"data_offsets\": [0, 8]}}", 8, "tensor 'a': field 'shape' is a JSON Number, expected an array")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2, -3], \"data_offsets\": [0, 8]}}", 8, "tensor 'a': field 'shape' element 1 is -3, expected an integer >= 0")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [1.5], \"data_offsets\": [0, 8]}}", 8, "tensor 'a': field 'shape' element 0 is 1.5")]
    [InlineData("{\"a\": {" + F32Pair + ", \"data_offsets\": {\"begin\": 0}}}", 8, "tensor 'a': field 'data_offsets' is a JSON Object, expected an array")]
    [InlineData("{\"a\": {" + F32Pair + ", \"data_offsets\": [0, 8, 16]}}", 16, "tensor 'a': field 'data_offsets' has 3 elements, expected 2")]
    [InlineData("{\"a\": {" + F32Pair + ", \"data_offsets\": [8]}}", 8, "tensor 'a': field 'data_offsets' has 1 elements, expected 2")]
    [InlineData("{\"a\": {" + F32Pair + ", \"data_offsets\": [\"0\", 8]}}", 8, "tensor 'a': field 'data_offsets' element 0 is \"0\"")]
    [InlineData("{\"a\": {" + F32Pair + ", \"data_offsets\": [-8, 0]}}", 8, "tensor 'a': field 'data_offsets' element 0 is -8")]
    [InlineData("{\"a\": {" + F32Pair + ", \"data_offsets\": [0, 1e30]}}", 8, "tensor 'a': field 'data_offsets' element 1 is 1e30")]
    [InlineData("{\"a\": {" + F32Pair + ", \"data_offsets\": [16, 8]}}", 16, "tensor 'a': field 'data_offsets' begin 16 is greater than end 8")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [2, 2], \"data_offsets\": [0, 12]}}", 16, "tensor 'a': field 'data_offsets' [0, 12] spans 12 bytes, expected 16 (shape [2, 2] of F32)")]
    [InlineData("{\"a\": {\"dtype\": \"BOOL\", \"shape\": [0], \"data_offsets\": [0, 1]}}", 1, "tensor 'a': field 'data_offsets' [0, 1] spans 1 bytes, expected 0")]
    [InlineData("{\"a\": {\"dtype\": \"F32\", \"shape\": [4294967296, 4294967296], \"data_offsets\": [0, 8]}}", 8, "tensor 'a': field 'shape' [4294967296, 4294967296] has more bytes than a 64-bit size can count")]
    [InlineData("{\"a\": {" + F32Pair + ", \"data_offsets\": [96, 104]}}", 8, "tensor 'a': field 'data_offsets' end 104 lies beyond the data section, which holds 8 bytes")]
    [InlineData("{\"a\": {" + F32Pair + ", \"data_offsets\": [0, 8]}, \"b\": {" + F32Pair + ", \"data_offsets\": [4, 12]}}", 12, "tensors 'a' (data_offsets [0, 8]) and 'b' (data_offsets [4, 12]) overlap")]
    [InlineData("{\"b\": {" + F32Pair + ", \"data_offsets\": [8, 16]}, \"a\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 16, "tensors 'a' (data_offsets [0, 16]) and 'b' (data_offsets [8, 16]) overlap")]
    [InlineData("{\"a\": {" + F32Pair + ", \"data_offsets\": [0, 8]}, \"a\": {" + F32Pair + ", \"data_offsets\": [8, 16]}}", 16, "tensor 'a' appears twice in the header")]
    [InlineData("{\"__metadata__\": 5}", 0, "field '__metadata__' is a JSON Number, expected an object of strings")]
    [InlineData("{\"__metadata__\": {\"epoch\": 3}}", 0, "field '__metadata__' key 'epoch' is a JSON Number, expected a string")]
    [InlineData("{\"__metadata__\": {}, \"__metadata__\": {}}", 0, "field '__metadata__' appears twice")]
    public void MalformedHeaderIsRejectedNamingPathAndField(string header, int dataLength, string expected)
    {
        AssertRejected(SafeTensorsTestData.Raw(header, new byte[dataLength]), expected);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(7)]
    public void FileShorterThanTheLengthPrefixIsRejected(int length)
    {
        AssertRejected(new byte[length], $"file is {length} bytes, shorter than the 8-byte header length prefix");
    }

    // Columns: header length written in the prefix, bytes actually following it, expected fragment.
    [Theory]
    [InlineData(1000UL, 20, "header length 1000 exceeds the 20 bytes after the length prefix")]
    [InlineData(21UL, 20, "header length 21 exceeds the 20 bytes after the length prefix")]
    [InlineData(ulong.MaxValue, 20, "header length 18446744073709551615 exceeds the 20 bytes")]
    public void HeaderLengthBeyondTheFileIsRejected(ulong headerLength, int following, string expected)
    {
        var header = Encoding.UTF8.GetBytes("{}".PadRight(following));
        AssertRejected(SafeTensorsTestData.Raw(headerLength, header, []), expected);
    }

    [Fact]
    public void HeaderThatIsNotUtf8IsRejected()
    {
        byte[] header = [(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'];
        AssertRejected(SafeTensorsTestData.Raw((ulong)header.Length, header, []), "header is not valid UTF-8");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(24)]
    public void TruncatedFileIsRejectedNamingTheLastTensor(int cut)
    {
        var writer = new SafeTensorsWriter();
        writer.Add("first", new float[] { 1, 2, 3 }, 3);
        writer.Add("last", new double[] { 4, 5, 6 }, 3);
        var stream = new MemoryStream();
        writer.Write(stream);
        var bytes = stream.ToArray();

        AssertRejected(
            bytes[..^cut],
            $"tensor 'last': field 'data_offsets' end 36 lies beyond the data section, which holds {36 - cut} bytes");
    }

    // Columns: header JSON, data bytes; each is legal and must open.
    [Theory]
    [InlineData("{}", 0)]
    [InlineData("{\"s\": {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [0, 4]}}", 4)]
    [InlineData("{\"z\": {\"dtype\": \"F32\", \"shape\": [3, 0], \"data_offsets\": [0, 0]}}", 0)]
    [InlineData("{\"z\": {\"dtype\": \"I8\", \"shape\": [0], \"data_offsets\": [2, 2]}, \"a\": {\"dtype\": \"I16\", \"shape\": [2], \"data_offsets\": [0, 4]}}", 4)]
    [InlineData("{\"__metadata__\": null, \"a\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [0, 1]}}", 1)]
    [InlineData("{\"a\": {\"dtype\": \"U8\", \"shape\": [1], \"data_offsets\": [3, 4], \"extra\": true}}", 9)]
    [InlineData("  {\"a\": {\"dtype\": \"BOOL\", \"shape\": [1, 1], \"data_offsets\": [0, 1]}}      ", 1)]
    public void LegalEdgeCasesOpen(string header, int dataLength)
    {
        var path = temp.File("legal.safetensors");
        File.WriteAllBytes(path, SafeTensorsTestData.Raw(header, new byte[dataLength]));

        using var file = SafeTensorsFile.Open(path);
        Assert.All(file.Tensors, t => Assert.Equal(t.ByteLength, file.GetBytes(t.Name).Length));
    }

    private void AssertRejected(byte[] bytes, string expected)
    {
        var path = temp.File("bad.safetensors");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path));
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(path, error.FilePath);
    }
}
