using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>Freshly initialised PET (LoRA B = 0, adapter up = 0) leaves the float32 towers bit-equal to the base model.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class ZeroInitTests(TinyModelFixture tiny)
{
    [Theory]
    [InlineData("lora:r=4,alpha=1,targets=q+k+v+o+fc1+fc2,init=zero")]
    [InlineData("lora:r=8,alpha=16,targets=qkv+fc2,layers=1,init=zero")]
    [InlineData("adapter:dim=8,scale=0.1,dropout=0.1")]
    public void FreshPetEqualsBaseModelExactly(string spec)
    {
        var parameters = PetParameters.Create(new PetLayout(PetSpec.Parse(spec), tiny.Config), seed: 3);
        var v = tiny.Config.Vision;
        var t = tiny.Config.Text;
        var pixels = TestInputs.ToFloat(TestInputs.Pixels(21, 2, v.NumChannels, v.ImageSize));
        var ids = TestInputs.Ids(22, 3, t.MaxPositionEmbeddings, t.EosTokenId!.Value);

        var imageInputs = new Dictionary<string, (Array, long[])> { [ClipGraphNames.PixelValues] = (pixels, [2, v.NumChannels, v.ImageSize, v.ImageSize]) };
        var textInputs = new Dictionary<string, (Array, long[])> { [ClipGraphNames.InputIds] = (ids, [3, t.MaxPositionEmbeddings]) };
        var baseImage = Run(ClipVisionGraph.Build(tiny.Frozen, new ClipGraphOptions()), imageInputs, parameters);
        var baseText = Run(ClipTextGraph.Build(tiny.Frozen, new ClipGraphOptions()), textInputs, parameters);
        var petImage = Run(ClipVisionGraph.Build(tiny.Frozen, new ClipGraphOptions { Pet = parameters.Layout }), imageInputs, parameters);
        var petText = Run(ClipTextGraph.Build(tiny.Frozen, new ClipGraphOptions { Pet = parameters.Layout }), textInputs, parameters);

        Assert.Equal(baseImage[ClipGraphNames.ImageEmbeds], petImage[ClipGraphNames.ImageEmbeds]);
        Assert.Equal(baseText[ClipGraphNames.TextEmbeds], petText[ClipGraphNames.TextEmbeds]);
        Assert.Contains(parameters.Layout.Tensors, p => parameters[p.Name].Any(x => x != 0));
    }

    private Dictionary<string, double[]> Run(ModelProto model, Dictionary<string, (Array, long[])> inputs, PetParameters parameters)
    {
        var all = TowerForwardTests.Inputs(parameters, ClipPrecision.Float32, model);
        foreach (var (k, value) in inputs)
        {
            all[k] = value;
        }

        using var runner = new OrtRunner(tiny.Frozen.SaveGraph(model, $"zero-{Guid.NewGuid():N}.onnx"));
        return runner.Run(all);
    }
}
