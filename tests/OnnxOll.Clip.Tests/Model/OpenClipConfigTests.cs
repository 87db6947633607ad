using OnnxOll.Clip.Model;

namespace OnnxOll.Clip.Tests.Model;

public sealed class OpenClipConfigTests
{
    private const string B32 = """
        {"model_cfg": {"embed_dim": 512, "vision_cfg": {"image_size": 224, "layers": 12, "width": 768, "patch_size": 32},
                       "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 512, "heads": 8, "layers": 12}}}
        """;

    [Fact]
    public void ViTB32ConfigReadsAsHuggingFacesWithExactGelu()
    {
        var c = OpenClipConfig.Parse(B32);
        Assert.Equal((512, 768, 12, 12, 3072, 224, 32), (c.ProjectionDim, c.Vision.HiddenSize, c.Vision.NumHiddenLayers, c.Vision.NumAttentionHeads, c.Vision.IntermediateSize, c.Vision.ImageSize, c.Vision.PatchSize));
        Assert.Equal((512, 8, 2048, 77, 49408), (c.Text.HiddenSize, c.Text.NumAttentionHeads, c.Text.IntermediateSize, c.Text.MaxPositionEmbeddings, c.Text.VocabSize));
        Assert.Equal(ClipActivation.Gelu, c.Vision.HiddenAct);
        Assert.Null(c.Text.EosTokenId);
    }

    [Fact]
    public void QuickGeluFlagChoosesQuickGelu()
    {
        var c = OpenClipConfig.Parse(B32.Replace("\"embed_dim\": 512", "\"embed_dim\": 512, \"quick_gelu\": true", StringComparison.Ordinal));
        Assert.Equal(ClipActivation.QuickGelu, c.Text.HiddenAct);
        Assert.Equal(ClipActivation.QuickGelu, c.Vision.HiddenAct);
    }

    // Columns: text replaced in the B/32 config, replacement, what the one-line error must name.
    [Theory]
    [InlineData("\"patch_size\": 32", "\"patch_size\": 32, \"timm_model_name\": \"vit_base\"", "field 'model_cfg.vision_cfg.timm_model_name' is \"vit_base\"")]
    [InlineData("\"layers\": 12, \"width\": 768", "\"layers\": [3, 4, 6, 3], \"width\": 768", "field 'model_cfg.vision_cfg.layers' is a list (a ResNet image tower)")]
    [InlineData("\"embed_dim\": 512", "\"embed_dim\": 512, \"custom_text\": true", "field 'custom_text' is true")]
    [InlineData("\"heads\": 8", "\"heads\": 7", "field 'model_cfg.text_cfg.heads' is 7, which does not divide width 512")]
    [InlineData("\"patch_size\": 32", "\"patch_size\": 30", "field 'model_cfg.vision_cfg.patch_size' is 30, which does not divide image_size 224")]
    public void UnsupportedOrInvalidFieldIsNamed(string find, string replace, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => OpenClipConfig.Parse(B32.Replace(find, replace, StringComparison.Ordinal), "cfg.json"));
        Assert.StartsWith("cfg.json: ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
