using Microsoft.ML.OnnxRuntime;
using OnnxOll.Onnx.Models;
using OnnxOll.TestSupport;

namespace OnnxOll.Runtime.Tests;

public sealed class OnnxSessionTests
{
    [Theory]
    // source of the session: "memory", "file" (inline), "external" (weights in a side file)
    [InlineData("memory")]
    [InlineData("file")]
    [InlineData("external")]
    public void SessionExposesNamesAndMetadataAndComputesTheAffineMap(string source)
    {
        using var dir = new TempDirectory();
        var model = TestGraphs.Affine();
        string path = dir.File("affine.onnx");
        using var session = source switch
        {
            "memory" => SessionFactory.FromModel(model),
            "file" => SaveAndOpen(model, path, null),
            _ => SaveAndOpen(model, path, new ExternalDataOptions("affine.bin", SizeThreshold: 4)),
        };

        Assert.Equal(["x"], session.InputNames);
        Assert.Single(session.OutputNames);
        Assert.Equal([-1, 3], session.InputMetadata["x"].Dimensions);
        Assert.Equal(typeof(float), session.InputMetadata["x"].ElementType);
        Assert.Equal("OnnxOll", session.ModelMetadata.ProducerName);
        Assert.Equal("affine", session.ModelMetadata.GraphName);

        float[] x = [1, 2, 3, -1, 0, 0.5f];
        using var input = OrtValue.CreateTensorValueFromMemory(x, [2, 3]);
        using var outputs = session.Run(new Dictionary<string, OrtValue> { ["x"] = input });
        Assert.Equal([.. TestGraphs.AffineRow(1, 2, 3), .. TestGraphs.AffineRow(-1, 0, 0.5f)], outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void ExternalDataOfAnInMemoryModelResolvesAgainstTheGivenFolder()
    {
        using var dir = new TempDirectory();
        string path = dir.File("affine.onnx");
        ModelIO.Save(TestGraphs.Affine(), path, new ExternalDataOptions("affine.bin", SizeThreshold: 4));
        using var session = SessionFactory.FromModel(ModelIO.Load(path), externalDataDirectory: dir.Path);
        using var input = OrtValue.CreateTensorValueFromMemory(new float[] { 1, 1, 1 }, [1, 3]);
        using var outputs = session.Run(new Dictionary<string, OrtValue> { ["x"] = input });
        Assert.Equal(TestGraphs.AffineRow(1, 1, 1), outputs[0].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void MissingInputIsNamed()
    {
        using var session = SessionFactory.FromModel(TestGraphs.Affine());
        var e = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, OrtValue>()));
        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void CorruptModelFileGivesOneErrorNamingTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("corrupt.onnx");
        File.WriteAllBytes(path, [0x08, 0x07, 0x12, 0xff, 0xff, 0x01, 0x02]);

        var fromOrt = Assert.Throws<InvalidDataException>(() => SessionFactory.Open(path));
        Assert.Contains(path, fromOrt.Message);
        var fromModelIo = Assert.Throws<InvalidDataException>(() => ModelIO.Load(path));
        Assert.Contains(path, fromModelIo.Message);
    }

    [Fact]
    public void MissingModelFileIsNamed()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SessionFactory.Open("/nonexistent/model.onnx"));
        Assert.Contains("/nonexistent/model.onnx", e.Message);
    }

    private static OnnxSession SaveAndOpen(Onnx.Proto.ModelProto model, string path, ExternalDataOptions? external)
    {
        ModelIO.Save(model, path, external);
        return SessionFactory.Open(path);
    }
}
