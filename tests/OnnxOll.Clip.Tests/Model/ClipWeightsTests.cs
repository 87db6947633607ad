using OnnxOll.Clip.Model;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Clip.Tests.Model;

public sealed class ClipWeightsTests : IDisposable
{
    private readonly TinyModelFolder tiny = new(seed: 2);

    private string Original => Path.Combine(tiny.ModelDirectory, ClipWeights.FileName);

    public void Dispose() => tiny.Dispose();

    [Fact]
    public void ValidFolderOpensWithEveryParameter()
    {
        using var weights = ClipWeights.Open(tiny.ModelDirectory);
        Assert.Equal(ClipParameterShapes.For(tiny.Config).Select(p => p.Name), weights.Names);
        Assert.Equal([64L, 3, 8, 8], weights.Shape("vision_model.embeddings.patch_embedding.weight"));
        Assert.Equal(Math.Log(1 / 0.07), weights.LogitScale, 5);
    }

    [Fact]
    public void PositionIdsBufferIsIgnored()
    {
        string path = Rewrite(w => w.Add("text_model.embeddings.position_ids", Enumerable.Range(0, 16).Select(i => (long)i).ToArray(), 1, 16));
        using var weights = ClipWeights.Open(path, tiny.Config);
        Assert.DoesNotContain("text_model.embeddings.position_ids", weights.Names);
    }

    [Fact]
    public void MissingTensorIsNamed()
    {
        string path = Rewrite(skip: "text_model.encoder.layers.1.mlp.fc2.bias");
        var e = Assert.Throws<InvalidDataException>(() => ClipWeights.Open(path, tiny.Config));
        Assert.Contains(path, e.Message);
        Assert.Contains("'text_model.encoder.layers.1.mlp.fc2.bias' is missing (config.json needs it, of shape [64])", e.Message);
    }

    [Fact]
    public void ExtraTensorIsNamed()
    {
        string path = Rewrite(w => w.Add("vision_model.encoder.layers.2.mlp.fc1.bias", new float[256], 256));
        var e = Assert.Throws<InvalidDataException>(() => ClipWeights.Open(path, tiny.Config));
        Assert.Contains("'vision_model.encoder.layers.2.mlp.fc1.bias' (shape [256]) is not a parameter", e.Message);
    }

    [Fact]
    public void WrongShapeNamesBothShapes()
    {
        string path = Rewrite(w => w.Add("visual_projection.weight", new float[64 * 16], 16, 64), skip: "visual_projection.weight");
        var e = Assert.Throws<InvalidDataException>(() => ClipWeights.Open(path, tiny.Config));
        Assert.Contains("'visual_projection.weight' has shape [16, 64], config.json needs [32, 64]", e.Message);
    }

    [Fact]
    public void TruncatedFileIsAFormatError()
    {
        string path = Path.Combine(tiny.Root, "truncated.safetensors");
        var bytes = File.ReadAllBytes(Original);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 100)]);
        var e = Assert.Throws<SafeTensorsFormatException>(() => ClipWeights.Open(path, tiny.Config));
        Assert.Contains(path, e.Message);
    }

    private string Rewrite(Action<SafeTensorsWriter>? add = null, string? skip = null)
    {
        string path = Path.Combine(tiny.Root, $"{Guid.NewGuid():N}.safetensors");
        var writer = new SafeTensorsWriter();
        using (var file = SafeTensorsFile.Open(Original))
        {
            foreach (var t in file.Tensors.Where(t => t.Name != skip))
            {
                writer.Add(t.Name, file.ReadFloat32(t.Name), t.Shape);
            }
        }

        add?.Invoke(writer);
        writer.Write(path);
        return path;
    }
}
