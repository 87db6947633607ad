using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tests.Graphs;
using OnnxOll.TestSupport;

namespace OnnxOll.Clip.Tests.Model.Torch;

/// <summary>The micro CLIP of tests/fixtures/generate.py in every layout against its Hugging Face safetensors folder.</summary>
public sealed class CheckpointLayoutTests : IDisposable
{
    private readonly TempDirectory cache = new();

    // Columns: fixture folder (or file) relative to tests/fixtures/torch.
    public static TheoryData<string> Layouts => new() { "hf-bin", "open_clip", "openai", "openai/ViT-Micro.pt" };

    public void Dispose() => cache.Dispose();

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryTensorEqualsTheSafetensorsFolders(string layout)
    {
        using var weights = ClipWeights.Open(TorchFixtures.File(layout));
        using var reference = Reference(weights.Config);
        Assert.Equal(reference.Names, weights.Names);
        foreach (string name in reference.Names)
        {
            Assert.Equal(reference.Shape(name), weights.Shape(name));
            Assert.True(reference.ReadFloat32(name).SequenceEqual(weights.ReadFloat32(name)), $"{layout}: tensor '{name}' differs");
        }
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EmbeddingsEqualTheSafetensorsFolders(string layout)
    {
        using var weights = ClipWeights.Open(TorchFixtures.File(layout));
        using var reference = Reference(weights.Config);
        var (image, text) = Embed(weights, "layout");
        var (expectedImage, expectedText) = Embed(reference, "reference");
        TowerForwardTests.AssertClose(expectedImage, image, 1e-5);
        TowerForwardTests.AssertClose(expectedText, text, 1e-5);
    }

    [Fact]
    public void OpenClipConfigGivesTheHuggingFaceConfig()
    {
        using var hf = ClipWeights.Open(TorchFixtures.File("hf"));
        using var openClip = ClipWeights.Open(TorchFixtures.File("open_clip"));
        Assert.Equal(hf.Config with { Text = hf.Config.Text with { EosTokenId = null }, LogitScaleInitValue = openClip.Config.LogitScaleInitValue }, openClip.Config);
    }

    [Fact]
    public void OpenAiConfigIsInferredAsBuildModelDoes()
    {
        using var hf = ClipWeights.Open(TorchFixtures.File("hf"));
        using var openAi = ClipWeights.Open(TorchFixtures.File("openai"));
        var expected = hf.Config with
        {
            Text = hf.Config.Text with { EosTokenId = null, NumAttentionHeads = 1 },
            Vision = hf.Config.Vision with { NumAttentionHeads = 1 },
            LogitScaleInitValue = openAi.Config.LogitScaleInitValue,
        };
        Assert.Equal(expected, openAi.Config);
        Assert.Equal(ClipActivation.QuickGelu, openAi.Config.Vision.HiddenAct);
    }

    [Fact]
    public void MissingOpenAiTensorIsNamedAsStoredAndAsRead()
    {
        using var openClip = ClipWeights.Open(TorchFixtures.File("open_clip"));
        var config = openClip.Config with { Text = openClip.Config.Text with { NumHiddenLayers = 2 } };
        string path = TorchFixtures.File("open_clip/open_clip_pytorch_model.bin");
        var e = Assert.Throws<InvalidDataException>(() => ClipWeights.Open(path, config));
        Assert.StartsWith($"{path}: tensor 'transformer.resblocks.1.attn.in_proj_weight' rows q (read as 'text_model.encoder.layers.1.self_attn.q_proj.weight') is missing (config.json needs it, of shape [64, 64])", e.Message);
    }

    [Fact]
    public void TorchScriptArchiveIsReadAsTensorsOnly()
    {
        using var checkpoint = OnnxOll.Clip.Model.Torch.TorchCheckpoint.Open(TorchFixtures.File("openai/ViT-Micro.pt"));
        Assert.True(checkpoint.IsTorchScript);
        Assert.Contains(checkpoint.Tensors, t => t.Name == "visual.transformer.resblocks.1.attn.in_proj_weight");
        Assert.Contains(checkpoint.Tensors, t => t.Name == "attn_mask");
    }

    private static ClipWeights Reference(ClipConfig config) =>
        ClipWeights.Open(TorchFixtures.File("hf/model.safetensors"), config);

    private (double[] Image, double[] Text) Embed(ClipWeights weights, string name)
    {
        var frozen = FrozenWeights.Prepare(weights, Path.Combine(cache.Path, $"{name}-{Guid.NewGuid():N}"));
        var v = weights.Config.Vision;
        var t = weights.Config.Text;
        var pixels = TestInputs.ToFloat(TestInputs.Pixels(4, 3, v.NumChannels, v.ImageSize));
        var ids = TestInputs.Ids(6, 4, t.MaxPositionEmbeddings, t.VocabSize - 1);
        using var vision = new OrtRunner(frozen.SaveGraph(ClipVisionGraph.Build(frozen, new ClipGraphOptions()), "vision.onnx"));
        using var textRunner = new OrtRunner(frozen.SaveGraph(ClipTextGraph.Build(frozen, new ClipGraphOptions()), "text.onnx"));
        var image = vision.Run(new Dictionary<string, (Array, long[])> { [ClipGraphNames.PixelValues] = (pixels, [3, v.NumChannels, v.ImageSize, v.ImageSize]) });
        var text = textRunner.Run(new Dictionary<string, (Array, long[])> { [ClipGraphNames.InputIds] = (ids, [4, t.MaxPositionEmbeddings]) });
        return (image[ClipGraphNames.ImageEmbeds], text[ClipGraphNames.TextEmbeds]);
    }
}
