using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tests.Graphs;
using OnnxOll.TestSupport;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Clip.Tests.Model.OnnxImport;

/// <summary>LoRA trained on an ONNX import: the float32 SIT training graph built on the imported weights gives the loss and
/// PET gradients of the same graph built on the Hugging Face folder.</summary>
public sealed class OnnxGradientTests : IDisposable
{
    private readonly TempDirectory cache = new();

    public void Dispose() => cache.Dispose();

    [Theory]
    [InlineData("opset14-dynamic/onnx/model.onnx")]
    [InlineData("opset17-static")]
    public void LoraGradientsEqualTheSafetensorsFolders(string layout)
    {
        using var weights = ClipWeights.Open(OnnxFixtures.File(layout));
        using var reference = OnnxFixtures.Reference();
        var (loss, gradients) = Gradients(reference, "reference");
        var (importedLoss, imported) = Gradients(weights, "imported");
        Assert.Equal(loss, importedLoss, 1e-4);
        foreach (var (name, expected) in gradients)
        {
            Assert.True(expected.Any(g => g != 0), $"gradient of '{name}' is zero");
            TowerForwardTests.AssertClose(expected, imported[name], 1e-4);
        }
    }

    private (double Loss, Dictionary<string, double[]> Gradients) Gradients(ClipWeights weights, string name)
    {
        const int Batch = 4;
        var frozen = FrozenWeights.Prepare(weights, Path.Combine(cache.Path, name));
        var parameters = RandomPet.Create(weights.Config, "lora:r=2,alpha=4,targets=q+v+o+fc1,towers=both", scale: 0.2, seed: 13, valueSeed: 17);
        var layout = parameters.Layout;
        var model = ClipTrainingGraph.Build(frozen, layout);
        using var runner = new OrtRunner(frozen.SaveGraph(model, "train.onnx"));
        var v = weights.Config.Vision;
        var t = weights.Config.Text;
        var inputs = TowerForwardTests.Inputs(parameters, ClipPrecision.Float32, model);
        inputs[ClipGraphNames.PixelValues] = (TestInputs.ToFloat(TestInputs.Pixels(31, Batch, v.NumChannels, v.ImageSize)), [Batch, v.NumChannels, v.ImageSize, v.ImageSize]);
        inputs[ClipGraphNames.Targets] = (new long[] { 0, 2, 1, 2 }, [Batch]);
        inputs[ClipGraphNames.InputIds] = (TestInputs.Ids(32, 3, t.MaxPositionEmbeddings, t.EosTokenId!.Value), [3, t.MaxPositionEmbeddings]);
        var outputs = runner.Run(inputs);
        return (outputs[ClipGraphNames.Loss][0], layout.Tensors.ToDictionary(x => x.Name, x => outputs[ClipGraphNames.Gradient(x.Name)]));
    }
}
