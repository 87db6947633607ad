using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Proto;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>The ONNX towers against the loop reference on the tiny model, with and without PET, in float32 and float64.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class TowerForwardTests(TinyModelFixture tiny)
{
    private const int Batch = 3;
    private const int Classes = 4;

    // Columns: PET spec (non-zero random values are loaded into every PET tensor), precision, tolerance relative to max |reference|.
    // float64 is not exact: LayerNormalization's epsilon attribute is a float (1e-5 becomes 9.99999975e-6), ~1e-10 on the tiny text tower.
    public static TheoryData<string, ClipPrecision, double> Cases => new()
    {
        { "none", ClipPrecision.Float32, 1e-4 },
        { "none", ClipPrecision.Float64, 1e-8 },
        { "lora:r=4,alpha=8,targets=q+k+v+o+fc1+fc2", ClipPrecision.Float32, 1e-4 },
        { "lora:r=2,alpha=1,targets=qkv+o,init=xavier,layers=1", ClipPrecision.Float64, 1e-8 },
        { "adapter:dim=8,scale=0.5,dropout=0.1", ClipPrecision.Float32, 1e-4 },
        { "lora:r=4,targets=q+v,towers=image;adapter:dim=16,scale=0.1,towers=text", ClipPrecision.Float64, 1e-8 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImageEmbedsMatchReference(string spec, ClipPrecision precision, double tolerance)
    {
        var parameters = RandomPet.Create(tiny.Config, spec, scale: 0.1, seed: 5, valueSeed: 9);
        var v = tiny.Config.Vision;
        var pixels = TestInputs.Pixels(11, Batch, v.NumChannels, v.ImageSize);
        var model = ClipVisionGraph.Build(tiny.Frozen, new ClipGraphOptions { Precision = precision, Pet = parameters.Layout });
        var inputs = Inputs(parameters, precision, model);
        inputs[ClipGraphNames.PixelValues] = (Typed(pixels, precision), [Batch, v.NumChannels, v.ImageSize, v.ImageSize]);
        var actual = Run(model, $"vision-{Guid.NewGuid():N}.onnx", inputs)[ClipGraphNames.ImageEmbeds];

        var reference = new ReferenceClip(tiny.Weights, parameters);
        int imageSize = v.NumChannels * v.ImageSize * v.ImageSize;
        var expected = Enumerable.Range(0, Batch).SelectMany(b => reference.Image(TestInputs.Row(pixels, b, imageSize))).ToArray();
        AssertClose(expected, actual, tolerance);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TextEmbedsMatchReference(string spec, ClipPrecision precision, double tolerance)
    {
        var parameters = RandomPet.Create(tiny.Config, spec, scale: 0.1, seed: 5, valueSeed: 9);
        var t = tiny.Config.Text;
        int length = t.MaxPositionEmbeddings;
        var ids = TestInputs.Ids(12, Classes, length, t.EosTokenId!.Value);
        var model = ClipTextGraph.Build(tiny.Frozen, new ClipGraphOptions { Precision = precision, Pet = parameters.Layout });
        var inputs = Inputs(parameters, precision, model);
        inputs[ClipGraphNames.InputIds] = (ids, [Classes, length]);
        var actual = Run(model, $"text-{Guid.NewGuid():N}.onnx", inputs)[ClipGraphNames.TextEmbeds];

        var reference = new ReferenceClip(tiny.Weights, parameters);
        var expected = Enumerable.Range(0, Classes).SelectMany(c => reference.Text(TestInputs.Row(ids, c, length))).ToArray();
        AssertClose(expected, actual, tolerance);
    }

    [Fact]
    public void NormalizedGraphsOutputUnitVectors()
    {
        var v = tiny.Config.Vision;
        var model = ClipVisionGraph.Build(tiny.Frozen, new ClipGraphOptions { Normalize = true });
        var pixels = TestInputs.ToFloat(TestInputs.Pixels(3, Batch, v.NumChannels, v.ImageSize));
        var inputs = new Dictionary<string, (Array, long[])> { [ClipGraphNames.PixelValues] = (pixels, [Batch, v.NumChannels, v.ImageSize, v.ImageSize]) };
        var embeds = Run(model, $"vision-norm-{Guid.NewGuid():N}.onnx", inputs)[ClipGraphNames.ImageEmbeds];
        int p = tiny.Config.ProjectionDim;
        for (int b = 0; b < Batch; b++)
        {
            Assert.Equal(1.0, Math.Sqrt(TestInputs.Row(embeds, b, p).Sum(x => x * x)), 5);
        }
    }

    internal static Array Typed(double[] data, ClipPrecision precision) =>
        precision == ClipPrecision.Float64 ? data : TestInputs.ToFloat(data);

    internal static Dictionary<string, (Array, long[])> Inputs(PetParameters parameters, ClipPrecision precision, ModelProto model)
    {
        var declared = model.Graph.Input.Select(i => i.Name).ToHashSet();
        var inputs = new Dictionary<string, (Array, long[])>();
        foreach (var t in parameters.Layout.Tensors.Where(t => declared.Contains(t.Name)))
        {
            inputs[t.Name] = (Typed(parameters[t.Name].Select(x => (double)x).ToArray(), precision), t.Shape);
        }

        return inputs;
    }

    internal static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-12, expected.Max(Math.Abs));
        double worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() / scale;
        Assert.True(worst <= tolerance, $"max |expected - actual| / max |expected| = {worst:E3} > {tolerance:E1}");
    }

    private Dictionary<string, double[]> Run(ModelProto model, string fileName, Dictionary<string, (Array, long[])> inputs)
    {
        using var runner = new OrtRunner(tiny.Frozen.SaveGraph(model, fileName));
        return runner.Run(inputs);
    }
}
