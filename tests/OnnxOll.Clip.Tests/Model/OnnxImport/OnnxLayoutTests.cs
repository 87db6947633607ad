using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tests.Graphs;
using OnnxOll.TestSupport;

namespace OnnxOll.Clip.Tests.Model.OnnxImport;

/// <summary>The micro CLIP exported by torch.onnx.export in optimum's and transformers.js's layouts, read into OnnxOll's towers
/// and compared with its Hugging Face safetensors folder.</summary>
public sealed class OnnxLayoutTests : IDisposable
{
    private readonly TempDirectory cache = new();

    // Columns: fixture folder or graph relative to tests/fixtures/onnx.
    public static TheoryData<string> Layouts => new()
    {
        "opset14-dynamic",
        "opset14-dynamic/onnx/vision_model.onnx",
        "opset14-dynamic/onnx/model.onnx",
        "opset17-static",
        "opset17-dynamic",
    };

    public void Dispose() => cache.Dispose();

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryTensorEqualsTheSafetensorsFolders(string layout)
    {
        using var weights = ClipWeights.Open(OnnxFixtures.File(layout));
        using var reference = OnnxFixtures.Reference();
        Assert.Equal(reference.Names.Order(StringComparer.Ordinal), weights.Names.Order(StringComparer.Ordinal));
        foreach (string name in reference.Names.Where(n => n != "logit_scale"))
        {
            Assert.Equal(reference.Shape(name), weights.Shape(name));
            Assert.True(reference.ReadFloat32(name).SequenceEqual(weights.ReadFloat32(name)), $"{layout}: tensor '{name}' differs");
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EmbeddingsEqualTheSafetensorsFolders(string layout)
    {
        using var weights = ClipWeights.Open(OnnxFixtures.File(layout));
        using var reference = OnnxFixtures.Reference();
        var (image, text) = OnnxFixtures.Embed(weights, cache.Path);
        var (expectedImage, expectedText) = OnnxFixtures.Embed(reference, cache.Path);
        TowerForwardTests.AssertClose(expectedImage, image, 1e-5);
        TowerForwardTests.AssertClose(expectedText, text, 1e-5);
    }

    [Theory]
    [InlineData("opset14-dynamic/onnx/model.onnx", 2.65625f)]
    [InlineData("opset14-dynamic", 2.6592f)]
    public void LogitScaleComesFromTheCombinedGraphElseTheConfig(string layout, float expected)
    {
        using var weights = ClipWeights.Open(OnnxFixtures.File(layout));
        Assert.Equal(expected, weights.LogitScale);
    }

    [Fact]
    public void AFolderWithSafetensorsReadsThemNotTheGraphs()
    {
        string folder = Path.Combine(cache.Path, "both");
        Directory.CreateDirectory(Path.Combine(folder, "onnx"));
        foreach (string file in new[] { "config.json", "model.safetensors" })
        {
            File.Copy(OnnxFixtures.File($"hf/{file}"), Path.Combine(folder, file));
        }

        File.Copy(OnnxFixtures.File("opset17-static/onnx/model.onnx"), Path.Combine(folder, "onnx", "model.onnx"));
        Assert.Equal(ClipWeights.FileName, Path.GetFileName(ClipModelFiles.WeightsFile(folder)));
    }
}
