using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Tiny;

namespace OnnxOll.Clip.Tests.Pet;

public sealed class PetLayoutTests
{
    private static readonly ClipConfig Tiny = TinyClip.Config(TinyShape.Tiny);

    [Fact]
    public void LoraTensorsUsePeftNamesAndShapes()
    {
        var layout = new PetLayout(PetSpec.Parse("lora:r=4,towers=image,layers=1,targets=q+fc1+fc2"), Tiny);
        var expected = new (string, long[])[]
        {
            ("vision_model.encoder.layers.1.self_attn.q_proj.lora_A", [4, 64]),
            ("vision_model.encoder.layers.1.self_attn.q_proj.lora_B", [64, 4]),
            ("vision_model.encoder.layers.1.mlp.fc1.lora_A", [4, 64]),
            ("vision_model.encoder.layers.1.mlp.fc1.lora_B", [256, 4]),
            ("vision_model.encoder.layers.1.mlp.fc2.lora_A", [4, 256]),
            ("vision_model.encoder.layers.1.mlp.fc2.lora_B", [64, 4]),
        };
        Assert.Equal(expected.Select(e => e.Item1), layout.Tensors.Select(t => t.Name));
        Assert.Equal(expected.Select(e => e.Item2), layout.Tensors.Select(t => t.Shape));
        Assert.True(layout.Touches(ClipTower.Vision));
        Assert.False(layout.Touches(ClipTower.Text));
        Assert.Equal(0.25, layout.Lora("vision_model.encoder.layers.1.mlp.fc1")!.Scale);
        Assert.Null(layout.Lora("vision_model.encoder.layers.0.mlp.fc1"));
    }

    [Fact]
    public void QkvAndAdapterTensors()
    {
        var layout = new PetLayout(PetSpec.Parse("lora:r=2,targets=qkv,towers=text,layers=0;adapter:dim=8,towers=text,layers=0"), Tiny);
        Assert.Equal(
            ["text_model.encoder.layers.0.self_attn.qkv.lora_A", "text_model.encoder.layers.0.self_attn.qkv.lora_B",
             "text_model.encoder.layers.0.adapter.down.weight", "text_model.encoder.layers.0.adapter.down.bias",
             "text_model.encoder.layers.0.adapter.up.weight", "text_model.encoder.layers.0.adapter.up.bias"],
            layout.Tensors.Select(t => t.Name));
        Assert.Equal([[2L, 64], [192, 2], [8, 64], [8], [64, 8], [64]], layout.Tensors.Select(t => t.Shape));
        Assert.NotNull(layout.QkvLora("text_model.encoder.layers.0"));
        Assert.NotNull(layout.Adapter("text_model.encoder.layers.0"));
    }
}
