using OnnxOll.Clip.Model;
using OnnxOll.Clip.Text;
using OnnxOll.Clip.Tiny;
using OnnxOll.TestSupport;

namespace OnnxOll.Clip.Tests.Tiny;

public sealed class TinyClipTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void WritesALoadableHuggingFaceFolder()
    {
        string folder = Path.Combine(temp.Path, "a");
        var config = TinyClip.Write(folder, seed: 1);
        using var weights = ClipWeights.Open(folder);
        Assert.Equal(config, weights.Config);
        Assert.Equal(TinyVocabulary.VocabSize, config.Text.VocabSize);
        Assert.Equal(TinyVocabulary.EndOfTextId, config.Text.EosTokenId);

        var tokenizer = ClipTokenizer.Create(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"),
            new ClipTokenizerOptions { ContextLength = config.Text.MaxPositionEmbeddings });
        Assert.Equal(config.Text.EosTokenId, tokenizer.EosId);

        var fc1 = weights.ReadFloat32("vision_model.encoder.layers.0.mlp.fc1.weight");
        double std = Math.Sqrt(fc1.Select(x => (double)x * x).Average());
        Assert.InRange(std, 0.019, 0.021);
        Assert.All(weights.ReadFloat32("vision_model.encoder.layers.0.mlp.fc1.bias"), x => Assert.Equal(0f, x));
        Assert.All(weights.ReadFloat32("text_model.final_layer_norm.weight"), x => Assert.Equal(1f, x));
    }

    [Fact]
    public void SameSeedSameBytesOtherSeedOtherWeights()
    {
        TinyClip.Write(Path.Combine(temp.Path, "a"), seed: 1);
        TinyClip.Write(Path.Combine(temp.Path, "b"), seed: 1);
        TinyClip.Write(Path.Combine(temp.Path, "c"), seed: 2);
        byte[] a = File.ReadAllBytes(Path.Combine(temp.Path, "a", ClipWeights.FileName));
        Assert.Equal(a, File.ReadAllBytes(Path.Combine(temp.Path, "b", ClipWeights.FileName)));
        Assert.NotEqual(a, File.ReadAllBytes(Path.Combine(temp.Path, "c", ClipWeights.FileName)));
    }

    [Theory]
    [InlineData(TinyShape.B32, 32, 151_277_313L)]
    [InlineData(TinyShape.B16, 16, 149_620_737L)]
    public void BaseShapesHaveTheRealParameterCounts(TinyShape shape, int patch, long parameters)
    {
        var config = TinyClip.Config(shape);
        Assert.Equal(patch, config.Vision.PatchSize);
        Assert.Equal(parameters, ClipParameterShapes.For(config).Sum(p => p.Shape.Aggregate(1L, (a, b) => a * b)));
    }
}
