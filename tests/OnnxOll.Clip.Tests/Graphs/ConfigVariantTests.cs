using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>The tiny weights under config variants (activation, EOS pooling rule) against the loop reference.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class ConfigVariantTests(TinyModelFixture tiny)
{
    [Theory]
    [InlineData(ClipActivation.Gelu)]
    [InlineData(ClipActivation.GeluTanh)]
    [InlineData(ClipActivation.Relu)]
    public void ActivationsMatchReference(ClipActivation act)
    {
        var config = tiny.Config with
        {
            Vision = tiny.Config.Vision with { HiddenAct = act },
            Text = tiny.Config.Text with { HiddenAct = act },
        };
        using var weights = ClipWeights.Open(Path.Combine(tiny.Folder, ClipWeights.FileName), config);
        var frozen = FrozenWeights.Prepare(weights, Path.Combine(tiny.Root, $"cache-{act}"));
        var reference = new ReferenceClip(weights);
        var v = config.Vision;
        var pixels = TestInputs.Pixels(51, 2, v.NumChannels, v.ImageSize);
        var inputs = new Dictionary<string, (Array, long[])> { [ClipGraphNames.PixelValues] = (TestInputs.ToFloat(pixels), [2, v.NumChannels, v.ImageSize, v.ImageSize]) };
        using var runner = new OrtRunner(frozen.SaveGraph(ClipVisionGraph.Build(frozen, new ClipGraphOptions()), "vision.onnx"));
        var actual = runner.Run(inputs)[ClipGraphNames.ImageEmbeds];
        int size = v.NumChannels * v.ImageSize * v.ImageSize;
        var expected = Enumerable.Range(0, 2).SelectMany(b => reference.Image(TestInputs.Row(pixels, b, size))).ToArray();
        TowerForwardTests.AssertClose(expected, actual, 1e-4);
    }

    // Columns: eos_token_id in the config (null = absent, legacy argmax pooling), expected pooled position of each row.
    [Theory]
    [InlineData(null, new[] { 2, 1, 3 })]
    [InlineData(2L, new[] { 2, 1, 3 })]
    [InlineData(7L, new[] { 1, 2, 0 })]
    public void EosPoolingFollowsTheConfigRule(long? eos, int[] positions)
    {
        var config = tiny.Config with { Text = tiny.Config.Text with { EosTokenId = eos } };
        using var weights = ClipWeights.Open(Path.Combine(tiny.Folder, ClipWeights.FileName), config);
        var frozen = FrozenWeights.Prepare(weights, Path.Combine(tiny.Root, $"cache-eos-{eos}"));
        long top = config.Text.VocabSize - 1;
        long[] ids =
        [
            5, 7, 9, 1, 7, 0,
            3, top - 1, 7, 9, 7, 0,
            6, 6, 6, top, 1, 1,
        ];
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(positions[r], ReferenceClip.EosPosition(TestInputs.Row(ids, r, 6), eos));
        }

        var reference = new ReferenceClip(weights);
        var inputs = new Dictionary<string, (Array, long[])> { [ClipGraphNames.InputIds] = (ids, [3, 6]) };
        using var runner = new OrtRunner(frozen.SaveGraph(ClipTextGraph.Build(frozen, new ClipGraphOptions { Precision = ClipPrecision.Float64 }), "text.onnx"));
        var actual = runner.Run(inputs)[ClipGraphNames.TextEmbeds];
        var expected = Enumerable.Range(0, 3).SelectMany(r => reference.Text(TestInputs.Row(ids, r, 6))).ToArray();
        TowerForwardTests.AssertClose(expected, actual, 1e-8);
    }

    [Fact]
    public void EveryGraphOfAModelReferencesTheOneWeightsFile()
    {
        var layout = new PetLayout(PetSpec.Parse("lora:towers=both;adapter:dim=4"), tiny.Config);
        var models = new[]
        {
            ClipVisionGraph.Build(tiny.Frozen, new ClipGraphOptions { Pet = layout, Normalize = true }),
            ClipTextGraph.Build(tiny.Frozen, new ClipGraphOptions { Pet = layout, Precision = ClipPrecision.Float64 }),
            ClipTrainingGraph.Build(tiny.Frozen, layout),
        };
        foreach (var model in models)
        {
            var external = model.Graph.Initializer.Where(t => t.ExternalData.Count > 0).ToArray();
            Assert.NotEmpty(external);
            Assert.All(external, t => Assert.Equal(FrozenWeights.FileName, t.ExternalData.First(e => e.Key == "location").Value));
            Assert.DoesNotContain(model.Graph.Initializer, t => t.RawData.Length > 64 * 1024);
        }

        string bin = Path.Combine(tiny.Frozen.Directory, FrozenWeights.FileName);
        var written = File.GetLastWriteTimeUtc(bin);
        var again = FrozenWeights.Prepare(tiny.Weights, tiny.Frozen.Directory);
        Assert.Equal(written, File.GetLastWriteTimeUtc(bin));
        Assert.Equal(tiny.Frozen.Shape("vision_model.embeddings.patch_embedding.weight_t"), again.Shape("vision_model.embeddings.patch_embedding.weight_t"));
    }
}
