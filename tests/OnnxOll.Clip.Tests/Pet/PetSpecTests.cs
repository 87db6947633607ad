using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Tiny;

namespace OnnxOll.Clip.Tests.Pet;

public sealed class PetSpecTests
{
    // Columns: spec as written, canonical ToString().
    [Theory]
    [InlineData("", "none")]
    [InlineData("none", "none")]
    [InlineData("lora", "lora:r=4,alpha=1,towers=both,layers=all,targets=q+v,init=zero")]
    [InlineData("lora:r=4,alpha=1,towers=image,layers=all,targets=q+v,init=zero", "lora:r=4,alpha=1,towers=image,layers=all,targets=q+v,init=zero")]
    [InlineData("lora:targets=v+q+o+fc2+fc1+k,r=8,alpha=16", "lora:r=8,alpha=16,towers=both,layers=all,targets=q+k+v+o+fc1+fc2,init=zero")]
    [InlineData("lora:targets=qkv+o,init=xavier,alpha=0.5", "lora:r=4,alpha=0.5,towers=both,layers=all,targets=qkv+o,init=xavier")]
    [InlineData("lora:layers=0,3,8-11,towers=text", "lora:r=4,alpha=1,towers=text,layers=0,3,8-11,targets=q+v,init=zero")]
    [InlineData("lora:layers=11,10,9,0,1", "lora:r=4,alpha=1,towers=both,layers=0,1,9-11,targets=q+v,init=zero")]
    [InlineData("adapter:dim=64,scale=0.1,dropout=0.1,towers=both", "adapter:dim=64,scale=0.1,dropout=0.1,towers=both,layers=all")]
    [InlineData(" adapter : dim=16 , dropout=0 ", "adapter:dim=16,scale=0.1,dropout=0,towers=both,layers=all")]
    [InlineData("lora:targets=qkv,init=xavier;lora:targets=o;adapter:towers=image",
        "lora:r=4,alpha=1,towers=both,layers=all,targets=qkv,init=xavier;lora:r=4,alpha=1,towers=both,layers=all,targets=o,init=zero;adapter:dim=64,scale=0.1,dropout=0.1,towers=image,layers=all")]
    public void ParsesToCanonicalTextThatRoundTrips(string text, string canonical)
    {
        var spec = PetSpec.Parse(text);
        Assert.Equal(canonical, spec.ToString());
        Assert.Equal(canonical, PetSpec.Parse(canonical).ToString());
        Assert.Equal(spec.Methods, PetSpec.Parse(canonical).Methods);
    }

    // Columns: bad spec, a fragment of the single error message.
    [Theory]
    [InlineData("prefix:len=4", "method 'prefix'")]
    [InlineData("lora:r=0", "r=0")]
    [InlineData("lora:r=four", "r=four")]
    [InlineData("lora:alpha=-1", "alpha=-1")]
    [InlineData("lora:towers=vision", "towers=vision")]
    [InlineData("lora:targets=q+w", "targets=w")]
    [InlineData("lora:targets=qkv+q", "mixes qkv")]
    [InlineData("lora:init=normal", "init=normal")]
    [InlineData("lora:layers=3-1", "runs backwards")]
    [InlineData("lora:layers=x", "layers item 'x'")]
    [InlineData("lora:r=4,r=8", "key 'r' appears twice")]
    [InlineData("lora:dim=4", "key 'dim' is not valid for lora")]
    [InlineData("adapter:dropout=1", "dropout=1")]
    [InlineData("adapter:targets=q", "key 'targets' is not valid for adapter")]
    [InlineData("lora:,r=4", "empty item")]
    public void BadSpecGivesOneClearError(string text, string fragment)
    {
        var e = Assert.Throws<FormatException>(() => PetSpec.Parse(text));
        Assert.Contains(fragment, e.Message);
    }

    // Columns: spec that parses but does not fit the tiny model (2 layers per tower), error fragment.
    [Theory]
    [InlineData("lora:layers=0,2", "names layer 2, but the image tower has layers 0-1")]
    [InlineData("adapter:layers=5,towers=text", "names layer 5, but the text tower has layers 0-1")]
    [InlineData("lora:targets=q;lora:targets=q+v,towers=image", "vision_model.encoder.layers.0.self_attn.q_proj gets LoRA from two methods")]
    [InlineData("lora:targets=q;lora:targets=qkv", "self_attn.qkv gets LoRA from two methods")]
    [InlineData("adapter;adapter:towers=text", "text_model.encoder.layers.0 gets an adapter from two methods")]
    public void SpecNotFittingTheModelIsRejected(string text, string fragment)
    {
        var e = Assert.Throws<ArgumentException>(() => PetSpec.Parse(text).Validate(TinyClip.Config(TinyShape.Tiny)));
        Assert.Contains(fragment, e.Message);
    }
}
