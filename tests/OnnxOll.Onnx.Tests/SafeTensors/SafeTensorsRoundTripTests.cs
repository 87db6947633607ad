using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport;

namespace OnnxOll.Onnx.Tests.SafeTensors;

public sealed class SafeTensorsRoundTripTests : IDisposable
{
    private static readonly long[][] Shapes = [[], [0], [3], [2, 3], [2, 0, 4], [1, 1, 1, 5], [7, 3]];

    private readonly TempDirectory temp = new();

    public static TheoryData<SafeTensorDType> DTypes() => new(SafeTensorDTypes.All);

    public void Dispose() => temp.Dispose();

    [Theory]
    [MemberData(nameof(DTypes))]
    public void EveryShapeOfOneDTypeRoundTripsWithValuesAndLayout(SafeTensorDType dtype)
    {
        var expected = BuildTensors([dtype]);
        var path = temp.File($"{dtype}.safetensors");
        Write(expected, new Dictionary<string, string>(), path);

        using var file = SafeTensorsFile.Open(path);
        AssertFileHolds(file, expected);
    }

    [Fact]
    public void AllDTypesInOneFileWithMetadataRoundTrip()
    {
        var expected = BuildTensors(SafeTensorDTypes.All);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\" + <tags>", ["empty"] = "" };
        var path = temp.File("all.safetensors");
        Write(expected, metadata, path);

        using var file = SafeTensorsFile.Open(path);
        AssertFileHolds(file, expected);
        Assert.Equal(metadata.OrderBy(p => p.Key), file.Metadata.OrderBy(p => p.Key));
    }

    [Fact]
    public void EmptyMetadataIsOmittedAndAnEmptyWriterGivesAValidFile()
    {
        var path = temp.File("empty.safetensors");
        new SafeTensorsWriter().Write(path);

        var bytes = File.ReadAllBytes(path);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        Assert.Equal("{}", header.TrimEnd(' '));
        Assert.DoesNotContain("__metadata__", header);
        using var file = SafeTensorsFile.Open(path);
        Assert.Empty(file.Tensors);
        Assert.Empty(file.Metadata);
        Assert.Equal(bytes.Length, file.DataStart);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void DataSectionStartsEightByteAlignedWhateverTheNameLength(int nameLength)
    {
        var writer = new SafeTensorsWriter();
        writer.Add(new string('n', nameLength), new float[] { 1.5f }, 1);
        var path = temp.File("aligned.safetensors");
        writer.Write(path);

        var bytes = File.ReadAllBytes(path);
        var headerLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + headerLength) % 8);
        using var document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(8 + headerLength, file.DataStart);
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)file.DataStart)));
    }

    [Fact]
    public void TypedOverloadsStoreTheirDTypeAndValues()
    {
        float[] floats = [1.5f, -2.25f, 3e-3f, float.MaxValue, float.Epsilon, -0f];
        double[] doubles = [Math.PI, -1e300, double.Epsilon];
        long[] longs = [long.MinValue, -1, 0, long.MaxValue];
        int[] ints = [int.MinValue, 7, int.MaxValue, 0, -5, 9];
        var writer = new SafeTensorsWriter();
        writer.Add("f", floats, 2, 3);
        writer.Add("d", doubles, 3);
        writer.Add("l", longs, 2, 2);
        writer.Add("i", ints, 3, 2);
        writer.Add("scalar", new float[] { 42f });
        var path = temp.File("typed.safetensors");
        writer.Write(path);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(["f", "d", "l", "i", "scalar"], file.Tensors.Select(t => t.Name));
        Assert.Equal(SafeTensorDType.F32, file.Get("f").DType);
        Assert.Equal([2L, 3L], file.Get("f").Shape);
        Assert.Equal(floats, file.ReadFloat32("f"));
        Assert.Equal(SafeTensorDType.F64, file.Get("d").DType);
        Assert.Equal(doubles, file.ReadFloat64("d"));
        Assert.Equal(SafeTensorDType.I64, file.Get("l").DType);
        Assert.Equal(longs, file.ReadInt64("l"));
        Assert.Equal(SafeTensorDType.I32, file.Get("i").DType);
        Assert.Equal(ints.Select(v => (long)v), file.ReadInt64("i"));
        Assert.Empty(file.Get("scalar").Shape);
        Assert.Equal(1, file.Get("scalar").ElementCount);
        Assert.Equal([42f], file.ReadFloat32("scalar"));
    }

    [Fact]
    public void WriterKeepsACopyOfTheData()
    {
        float[] data = [1f, 2f];
        var writer = new SafeTensorsWriter();
        writer.Add("w", data, 2);
        data[0] = 99f;
        var path = temp.File("copy.safetensors");
        writer.Write(path);

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal([1f, 2f], file.ReadFloat32("w"));
    }

    private static List<(string Name, SafeTensorDType DType, long[] Shape, double[] Values)> BuildTensors(
        IEnumerable<SafeTensorDType> dtypes)
    {
        var tensors = new List<(string, SafeTensorDType, long[], double[])>();
        var seed = 0;
        foreach (var dtype in dtypes)
        {
            foreach (var shape in Shapes)
            {
                var name = $"model.{SafeTensorDTypes.ToName(dtype)}.shape_{string.Join('x', shape)}";
                tensors.Add((name, dtype, shape, SafeTensorsTestData.Values(dtype, SafeTensorsTestData.ElementCount(shape), seed++)));
            }
        }

        return tensors;
    }

    private static void Write(
        List<(string Name, SafeTensorDType DType, long[] Shape, double[] Values)> tensors,
        Dictionary<string, string> metadata,
        string path)
    {
        var writer = new SafeTensorsWriter();
        foreach (var (key, value) in metadata)
        {
            writer.Metadata[key] = value;
        }

        foreach (var (name, dtype, shape, values) in tensors)
        {
            writer.Add(name, dtype, shape, SafeTensorsTestData.Encode(dtype, values));
        }

        writer.Write(path);
    }

    private static void AssertFileHolds(
        SafeTensorsFile file, List<(string Name, SafeTensorDType DType, long[] Shape, double[] Values)> expected)
    {
        var raw = File.ReadAllBytes(file.Path);
        Assert.Equal(0, file.DataStart % 8);
        Assert.Equal(expected.Select(t => t.Name), file.Tensors.Select(t => t.Name));
        foreach (var (name, dtype, shape, values) in expected)
        {
            var info = file.Get(name);
            var bytes = SafeTensorsTestData.Encode(dtype, values);
            Assert.True(file.Contains(name));
            Assert.Equal(dtype, info.DType);
            Assert.Equal(shape, info.Shape);
            Assert.Equal(values.Length, info.ElementCount);
            Assert.Equal(bytes.Length, info.ByteLength);
            Assert.Equal(bytes, file.GetBytes(name).ToArray());
            Assert.Equal(bytes, file.ReadRaw(name));
            Assert.Equal(bytes, raw.AsSpan((int)(file.DataStart + info.Begin), (int)info.ByteLength).ToArray());
            if (SafeTensorsTestData.IsFloat(dtype))
            {
                Assert.Equal(values, file.ReadFloat64(name));
                Assert.Equal(values.Select(v => (float)v), file.ReadFloat32(name));
            }
            else
            {
                Assert.Equal(values.Select(v => (long)v), file.ReadInt64(name));
            }
        }
    }
}
