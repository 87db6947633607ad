using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Tiny;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.TestSupport;

namespace OnnxOll.Clip.Tests.Pet;

public sealed class PetParametersTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly PetLayout layout = new(PetSpec.Parse("lora:r=4,targets=q+o,init=zero;lora:targets=fc1,init=xavier,towers=text;adapter:dim=8"), TinyClip.Config(TinyShape.Tiny));

    public void Dispose() => temp.Dispose();

    [Fact]
    public void InitialisationFollowsTheSpecAndIsSeeded()
    {
        var p = PetParameters.Create(layout, seed: 1);
        var again = PetParameters.Create(layout, seed: 1);
        var other = PetParameters.Create(layout, seed: 2);
        string a = "vision_model.encoder.layers.0.self_attn.q_proj.lora_A";
        Assert.Equal(p[a], again[a]);
        Assert.NotEqual(p[a], other[a]);
        Assert.All(p[a], x => Assert.InRange(Math.Abs(x), 1e-9, 1 / Math.Sqrt(64)));
        Assert.All(p["vision_model.encoder.layers.0.self_attn.q_proj.lora_B"], x => Assert.Equal(0f, x));
        Assert.All(p["text_model.encoder.layers.1.mlp.fc1.lora_B"], x => Assert.InRange(Math.Abs(x), 1e-9, Math.Sqrt(6.0 / (4 + 256))));
        Assert.Contains(p["text_model.encoder.layers.1.mlp.fc1.lora_B"], x => x != 0);
        Assert.All(p["text_model.encoder.layers.1.adapter.up.weight"], x => Assert.Equal(0f, x));
        Assert.Contains(p["text_model.encoder.layers.1.adapter.down.weight"], x => x != 0);
    }

    [Fact]
    public void SaveThenLoadRoundTrips()
    {
        var p = PetParameters.Create(layout, seed: 4);
        p["vision_model.encoder.layers.1.self_attn.out_proj.lora_B"][5] = 0.5f;
        string path = Path.Combine(temp.Path, "pet.safetensors");
        p.Save(path);
        var loaded = PetParameters.Load(path, layout);
        foreach (var t in layout.Tensors)
        {
            Assert.Equal(p[t.Name], loaded[t.Name]);
        }

        using var file = SafeTensorsFile.Open(path);
        Assert.Equal(layout.Spec.ToString(), file.Metadata["pet_spec"]);
    }

    [Fact]
    public void LoadRejectsAFileForAnotherSpec()
    {
        string path = Path.Combine(temp.Path, "small.safetensors");
        var smaller = new PetLayout(PetSpec.Parse("lora:r=2,targets=q+o"), TinyClip.Config(TinyShape.Tiny));
        PetParameters.Create(smaller, seed: 1).Save(path);
        var e = Assert.Throws<InvalidDataException>(() => PetParameters.Load(path, layout));
        Assert.Contains("'vision_model.encoder.layers.0.self_attn.q_proj.lora_A' has shape [2, 64], the spec needs [4, 64]", e.Message);
        Assert.Contains(path, e.Message);
    }
}
