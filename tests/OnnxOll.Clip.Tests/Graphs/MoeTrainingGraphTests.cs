using OnnxOll.Clip.Graphs;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>The float32 training graph with adapter experts (the learner's) gives the float64 graph's loss and PET gradients.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class MoeTrainingGraphTests(TinyModelFixture tiny)
{
    private const int Batch = 5;
    private static readonly long[] Targets = [2, 1, 0, 2, 1];

    [Theory]
    [InlineData("moe:experts=4,topk=2,dim=4,scale=0.5,route=cls,towers=image")]
    [InlineData("moe:experts=4,topk=2,dim=4,scale=0.5,route=mean,towers=image")]
    public void Float32MatchesFloat64(string spec)
    {
        var parameters = RandomPet.Create(tiny.Config, spec, scale: 0.2, seed: 13, valueSeed: 17);
        var layout = parameters.Layout;
        var v = tiny.Config.Vision;
        int p = tiny.Config.ProjectionDim;
        var pixels = TestInputs.Pixels(31, Batch, v.NumChannels, v.ImageSize);
        var random = new Random(5);
        var text = Enumerable.Range(0, 3 * p).Select(_ => random.NextDouble() - 0.5).ToArray();
        Dictionary<string, double[]> Run(ClipPrecision precision)
        {
            var model = ClipTrainingGraph.Build(tiny.Frozen, layout, new ClipTrainingOptions { Precision = precision, Dropout = false });
            using var runner = new OrtRunner(tiny.Frozen.SaveGraph(model, $"moe-{precision}-{Guid.NewGuid():N}.onnx"));
            bool single = precision == ClipPrecision.Float32;
            Array Values(double[] x) => single ? x.Select(f => (float)f).ToArray() : x;
            var inputs = new Dictionary<string, (Array, long[])>
            {
                [ClipGraphNames.PixelValues] = (Values(pixels), [Batch, v.NumChannels, v.ImageSize, v.ImageSize]),
                [ClipGraphNames.Targets] = (Targets, [Batch]),
                [ClipGraphNames.TextFeatures] = (Values(text), [3, p]),
            };
            foreach (var info in layout.Tensors)
            {
                inputs[info.Name] = (Values([.. parameters[info.Name].Select(f => (double)f)]), info.Shape);
            }

            return runner.Run(inputs);
        }

        var wide = Run(ClipPrecision.Float64);
        var narrow = Run(ClipPrecision.Float32);
        Assert.Equal(wide[ClipGraphNames.Loss][0], narrow[ClipGraphNames.Loss][0], 1e-4);
        foreach (var info in layout.Tensors)
        {
            var a = wide[ClipGraphNames.Gradient(info.Name)];
            var b = narrow[ClipGraphNames.Gradient(info.Name)];
            double scale = Math.Max(1e-6, a.Max(Math.Abs));
            Assert.True(a.Zip(b).Max(x => Math.Abs(x.First - x.Second)) < 1e-3 * scale, $"{info.Name}: float32 gradient differs from float64 (largest {scale:G3})");
        }
    }
}
