using OnnxOll.Clip.Graphs;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>The SIT training graph (float64, dropout off): loss equals the loop reference and PET gradients equal central differences.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class TrainingGradientTests(TinyModelFixture tiny)
{
    private const int Batch = 5;
    private const int Classes = 6;
    private static readonly long[] Labels = [4, 1, 4, 2, 1];

    // Columns: PET spec, visible set (sit = the batch's distinct labels, all = every class), double softmax.
    public static TheoryData<string, string, bool> Cases => new()
    {
        { "lora:r=2,alpha=4,targets=q+v+o+fc1,init=xavier,towers=image", "sit", false },
        { "lora:r=2,alpha=4,targets=qkv+fc2,init=xavier,towers=image", "all", false },
        { "lora:r=2,alpha=2,targets=q+v+o+fc1,init=xavier,towers=both", "sit", false },
        { "lora:r=2,alpha=2,targets=qkv+o,init=xavier,towers=text,layers=1", "all", true },
        { "adapter:dim=4,scale=0.5,dropout=0.1,towers=both", "sit", false },
        { "lora:r=2,targets=qkv,init=xavier,towers=image;adapter:dim=4,scale=0.5,towers=image", "all", false },
        { "moe:experts=3,topk=2,dim=4,scale=0.5,dropout=0.1,route=cls,towers=both", "sit", false },
        { "moe:experts=3,topk=2,dim=4,scale=0.5,dropout=0.1,towers=image", "all", false },
        { "moe:experts=4,topk=1,dim=3,scale=0.5,route=mean,towers=both,layers=1;adapter:dim=4,scale=0.5,towers=image", "all", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void GradientsMatchFiniteDifferences(string spec, string visible, bool doubleSoftmax)
    {
        var parameters = RandomPet.Create(tiny.Config, spec, scale: 0.2, seed: 13, valueSeed: 17);
        var layout = parameters.Layout;
        var model = ClipTrainingGraph.Build(tiny.Frozen, layout,
            new ClipTrainingOptions { Precision = ClipPrecision.Float64, Dropout = false, DoubleSoftmax = doubleSoftmax });
        using var runner = new OrtRunner(tiny.Frozen.SaveGraph(model, $"train-{Guid.NewGuid():N}.onnx"));

        long[] subset = visible == "sit" ? Labels.Distinct().Order().ToArray() : Enumerable.Range(0, Classes).Select(i => (long)i).ToArray();
        long[] targets = Labels.Select(l => (long)Array.IndexOf(subset, l)).ToArray();
        var v = tiny.Config.Vision;
        var t = tiny.Config.Text;
        int length = t.MaxPositionEmbeddings, p = tiny.Config.ProjectionDim;
        var pixels = TestInputs.Pixels(31, Batch, v.NumChannels, v.ImageSize);
        var allIds = TestInputs.Ids(32, Classes, length, t.EosTokenId!.Value);
        var ids = subset.SelectMany(s => TestInputs.Row(allIds, (int)s, length)).ToArray();
        var reference = new ReferenceClip(tiny.Weights, parameters);
        var textEmbeds = subset.Select(s => reference.Text(TestInputs.Row(allIds, (int)s, length))).ToArray();

        var inputs = new Dictionary<string, (Array, long[])>
        {
            [ClipGraphNames.PixelValues] = (pixels, [Batch, v.NumChannels, v.ImageSize, v.ImageSize]),
            [ClipGraphNames.Targets] = (targets, [Batch]),
        };
        if (ClipTrainingGraph.TakesInputIds(layout))
        {
            inputs[ClipGraphNames.InputIds] = (ids, [subset.Length, length]);
        }
        else
        {
            inputs[ClipGraphNames.TextFeatures] = (textEmbeds.SelectMany(ReferenceClip.Normalize).ToArray(), [subset.Length, p]);
        }

        var pet = layout.Tensors.ToDictionary(x => x.Name, x => parameters[x.Name].Select(f => (double)f).ToArray());
        foreach (var info in layout.Tensors)
        {
            inputs[info.Name] = (pet[info.Name], info.Shape);
        }

        var outputs = runner.Run(inputs);
        int imageSize = v.NumChannels * v.ImageSize * v.ImageSize;
        var images = Enumerable.Range(0, Batch).Select(b => reference.Image(TestInputs.Row(pixels, b, imageSize))).ToArray();
        double expectedLoss = reference.Loss(images, textEmbeds, targets, doubleSoftmax);
        Assert.Equal(expectedLoss, outputs[ClipGraphNames.Loss][0], 1e-8);
        Assert.Equal(Batch * subset.Length, outputs[ClipGraphNames.Logits].Length);

        var random = new Random(41);
        foreach (var info in layout.Tensors)
        {
            FiniteDifferences.AssertMatches(info.Name, pet[info.Name], outputs[ClipGraphNames.Gradient(info.Name)], () => runner.Run(inputs)[ClipGraphNames.Loss][0], random);
        }
    }
}
