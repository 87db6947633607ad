using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tiny;
using OnnxOll.TestSupport;

namespace OnnxOll.Clip.Tests.Model;

public sealed class ClipConfigTests
{
    [Fact]
    public void SaveThenLoadRoundTrips()
    {
        using var temp = new TempDirectory();
        var config = TinyClip.Config(TinyShape.Tiny) with { Vision = TinyClip.Config(TinyShape.Tiny).Vision with { HiddenAct = ClipActivation.Gelu } };
        config.Save(temp.File(ClipConfig.FileName));
        Assert.Equal(config, ClipConfig.Load(temp.Path));
    }

    [Fact]
    public void AbsentFieldsTakeHuggingFaceDefaults()
    {
        var c = ClipConfig.Parse("""{"text_config": {}, "vision_config": {}}""");
        Assert.Equal((512, 2048, 12, 8, 49408, 77), (c.Text.HiddenSize, c.Text.IntermediateSize, c.Text.NumHiddenLayers, c.Text.NumAttentionHeads, c.Text.VocabSize, c.Text.MaxPositionEmbeddings));
        Assert.Equal((768, 3072, 12, 12, 224, 32, 3), (c.Vision.HiddenSize, c.Vision.IntermediateSize, c.Vision.NumHiddenLayers, c.Vision.NumAttentionHeads, c.Vision.ImageSize, c.Vision.PatchSize, c.Vision.NumChannels));
        Assert.Equal((512, 2.6592), (c.ProjectionDim, c.LogitScaleInitValue));
        Assert.Equal((ClipActivation.QuickGelu, 1e-5), (c.Text.HiddenAct, c.Text.LayerNormEps));
        Assert.Null(c.Text.EosTokenId);
        Assert.True(c.Text.UsesLegacyEosPooling);
    }

    [Fact]
    public void ReadsHuggingFaceStyleConfigWithLegacyDictSections()
    {
        // Shaped like openai/clip-vit-base-patch16's config.json: many generation fields, a null *_dict twin, nulls inside.
        const string json = """
            {
              "architectures": ["CLIPModel"], "initializer_factor": 1.0, "logit_scale_init_value": 2.6592, "model_type": "clip",
              "projection_dim": 512, "text_config_dict": null, "vision_config": null,
              "text_config": {"bad_words_ids": null, "bos_token_id": 0, "eos_token_id": 2, "hidden_act": "quick_gelu", "hidden_size": 512,
                "intermediate_size": 2048, "layer_norm_eps": 1e-05, "max_position_embeddings": 77, "num_attention_heads": 8,
                "num_hidden_layers": 12, "vocab_size": 49408, "dropout": 0.0, "max_length": 20, "pad_token_id": 1, "projection_dim": 512},
              "vision_config_dict": {"hidden_size": 768, "image_size": 224, "intermediate_size": 3072, "num_attention_heads": 12,
                "num_hidden_layers": 12, "patch_size": 16, "layer_norm_eps": null}
            }
            """;
        var c = ClipConfig.Parse(json);
        Assert.Equal(TinyClip.Config(TinyShape.B16), c with { LogitScaleInitValue = Math.Log(1 / 0.07) });
        Assert.Equal(2.6592, c.LogitScaleInitValue);
    }

    [Theory]
    [InlineData("quick_gelu", ClipActivation.QuickGelu)]
    [InlineData("gelu", ClipActivation.Gelu)]
    [InlineData("gelu_new", ClipActivation.GeluTanh)]
    [InlineData("gelu_pytorch_tanh", ClipActivation.GeluTanh)]
    [InlineData("gelu_fast", ClipActivation.GeluTanh)]
    [InlineData("relu", ClipActivation.Relu)]
    public void HiddenActNamesMapToActivations(string name, ClipActivation expected)
    {
        var c = ClipConfig.Parse($$$"""{"text_config": {"hidden_act": "{{{name}}}"}, "vision_config": {}}""");
        Assert.Equal(expected, c.Text.HiddenAct);
    }

    [Theory]
    [InlineData(2, true)]
    [InlineData(49407, false)]
    public void EosTokenIdSelectsThePoolingRule(long eos, bool legacy)
    {
        var c = ClipConfig.Parse($$$"""{"text_config": {"eos_token_id": {{{eos}}}}, "vision_config": {}}""");
        Assert.Equal(legacy, c.Text.UsesLegacyEosPooling);
    }

    // Columns: config.json text, a fragment the single error message must contain (besides the file name).
    [Theory]
    [InlineData("""{"text_config": {""", "not valid JSON")]
    [InlineData("""[1, 2]""", "top level")]
    [InlineData("""{"vision_config": {}}""", "'text_config' is missing")]
    [InlineData("""{"text_config": {}, "vision_config": 3}""", "'vision_config' is 3")]
    [InlineData("""{"text_config": {"hidden_size": "big"}, "vision_config": {}}""", "'text_config.hidden_size' is \"big\"")]
    [InlineData("""{"text_config": {"num_hidden_layers": -1}, "vision_config": {}}""", "'text_config.num_hidden_layers' is -1")]
    [InlineData("""{"text_config": {"hidden_act": "swish"}, "vision_config": {}}""", "'text_config.hidden_act' is \"swish\"")]
    [InlineData("""{"text_config": {}, "vision_config": {"num_attention_heads": 5}}""", "'vision_config.num_attention_heads' is 5")]
    [InlineData("""{"text_config": {}, "vision_config": {"patch_size": 30}}""", "'vision_config.patch_size' is 30")]
    [InlineData("""{"text_config": {}, "vision_config": {}, "projection_dim": 1.5}""", "'projection_dim' is 1.5")]
    public void BadConfigGivesOneClearError(string json, string fragment)
    {
        var e = Assert.Throws<InvalidDataException>(() => ClipConfig.Parse(json, "/models/x/config.json"));
        Assert.Contains("/models/x/config.json", e.Message);
        Assert.Contains(fragment, e.Message);
    }
}
