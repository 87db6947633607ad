using OnnxOll.Clip.Graphs;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>The training graph's optional terms (all-seen mix, the distillation loss term, learned text offsets): the loss equals an independent
/// computation and the gradients of the PET tensors and the offsets equal central differences (float64, dropout off).</summary>
[Collection(TinyModelCollection.Name)]
public sealed class TrainingLossTermTests(TinyModelFixture tiny)
{
    private const int Batch = 5;
    private const int Classes = 6;
    private const int Reference = 4;
    private static readonly long[] Labels = [4, 1, 4, 2, 1];

    // Columns: PET spec, all-seen weight, distillation weight, learned text offsets.
    public static TheoryData<string, double, double, bool> Cases => new()
    {
        { "lora:r=2,alpha=4,targets=qkv+o,init=xavier,towers=image", 0.3, 0, false },
        { "lora:r=2,alpha=2,targets=q+v+o+fc1,init=xavier,towers=both", 0, 0.5, false },
        { "lora:r=2,alpha=4,targets=qkv+o,init=xavier,towers=image", 0, 0, true },
        { "lora:r=2,alpha=2,targets=qkv+o,init=xavier,towers=both", 0.4, 0.7, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LossMatchesReferenceAndGradientsMatchFiniteDifferences(string spec, double seenWeight, double distillWeight, bool textOffset)
    {
        var parameters = RandomPet.Create(tiny.Config, spec, scale: 0.2, seed: 13, valueSeed: 17);
        var layout = parameters.Layout;
        var options = new ClipTrainingOptions
        {
            Precision = ClipPrecision.Float64,
            Dropout = false,
            SeenWeight = seenWeight,
            LossTerms = distillWeight > 0 ? [new ZeroShotDistillationTerm(distillWeight)] : [],
            TextOffset = textOffset,
        };
        using var runner = new OrtRunner(tiny.Frozen.SaveGraph(ClipTrainingGraph.Build(tiny.Frozen, layout, options), $"terms-{Guid.NewGuid():N}.onnx"));

        long[] batchClasses = Labels.Distinct().Order().ToArray();
        long[] visible = seenWeight > 0 ? Enumerable.Range(0, Classes).Select(i => (long)i).ToArray() : batchClasses;
        long[] targets = Labels.Select(l => (long)Array.IndexOf(visible, l)).ToArray();
        var v = tiny.Config.Vision;
        var t = tiny.Config.Text;
        int length = t.MaxPositionEmbeddings, p = tiny.Config.ProjectionDim;
        var pixels = TestInputs.Pixels(61, Batch, v.NumChannels, v.ImageSize);
        var allIds = TestInputs.Ids(62, Classes, length, t.EosTokenId!.Value);
        var reference = new ReferenceClip(tiny.Weights, parameters);
        var texts = visible.Select(s => ReferenceClip.Normalize(reference.Text(TestInputs.Row(allIds, (int)s, length)))).ToArray();
        var random = new Random(63);
        var offsets = Enumerable.Range(0, visible.Length * p).Select(_ => (random.NextDouble() - 0.5) * 0.6).ToArray();
        var referenceText = Enumerable.Range(0, Reference).Select(_ => ReferenceClip.Normalize(Enumerable.Range(0, p).Select(_ => random.NextDouble() - 0.5).ToArray())).ToArray();
        var teacher = Enumerable.Range(0, Batch).Select(_ => Enumerable.Range(0, Reference).Select(_ => random.NextDouble() + 0.1).ToArray())
            .Select(row => row.Select(x => x / row.Sum()).ToArray()).ToArray();

        var inputs = new Dictionary<string, (Array, long[])>
        {
            [ClipGraphNames.PixelValues] = (pixels, [Batch, v.NumChannels, v.ImageSize, v.ImageSize]),
            [ClipGraphNames.Targets] = (targets, [Batch]),
        };
        if (ClipTrainingGraph.TakesInputIds(layout))
        {
            inputs[ClipGraphNames.InputIds] = (visible.SelectMany(s => TestInputs.Row(allIds, (int)s, length)).ToArray(), [visible.Length, length]);
        }
        else
        {
            inputs[ClipGraphNames.TextFeatures] = (texts.SelectMany(x => x).ToArray(), [visible.Length, p]);
        }

        if (seenWeight > 0)
        {
            inputs[ClipGraphNames.BatchClassMask] = (visible.Select(c => batchClasses.Contains(c) ? 0.0 : -1e4).ToArray(), [visible.Length]);
        }

        if (distillWeight > 0)
        {
            inputs[ClipGraphNames.ReferenceText] = (referenceText.SelectMany(x => x).ToArray(), [Reference, p]);
            inputs[ClipGraphNames.TeacherProbabilities] = (teacher.SelectMany(x => x).ToArray(), [Batch, Reference]);
        }

        if (textOffset)
        {
            inputs[ClipGraphNames.TextOffset] = (offsets, [visible.Length, p]);
        }

        var pet = layout.Tensors.ToDictionary(x => x.Name, x => parameters[x.Name].Select(f => (double)f).ToArray());
        foreach (var info in layout.Tensors)
        {
            inputs[info.Name] = (pet[info.Name], info.Shape);
        }

        var outputs = runner.Run(inputs);
        int imageSize = v.NumChannels * v.ImageSize * v.ImageSize;
        var images = Enumerable.Range(0, Batch).Select(b => reference.Image(TestInputs.Row(pixels, b, imageSize))).ToArray();
        var classTexts = textOffset ? texts.Select((x, i) => x.Select((e, j) => e + offsets[(i * p) + j]).ToArray()).ToArray() : texts;
        double expected = reference.Loss(images, classTexts, targets, doubleSoftmax: false);
        if (seenWeight > 0)
        {
            var sitTexts = batchClasses.Select(c => classTexts[Array.IndexOf(visible, c)]).ToArray();
            double sit = reference.Loss(images, sitTexts, Labels.Select(l => (long)Array.IndexOf(batchClasses, l)).ToArray(), doubleSoftmax: false);
            expected = ((1 - seenWeight) * sit) + (seenWeight * expected);
        }

        if (distillWeight > 0)
        {
            expected += distillWeight * Enumerable.Range(0, Batch).Average(b => -Enumerable.Range(0, Reference).Sum(r => teacher[b][r] * LogSoftmax(reference, images[b], referenceText)[r]));
        }

        // The reference towers' logits agree with the graph's to ~4e-8 (float constants such as QuickGELU's 1.702), hence 1e-7.
        Assert.Equal(expected, outputs[ClipGraphNames.Loss][0], 1e-7);

        double Loss() => runner.Run(inputs)[ClipGraphNames.Loss][0];
        foreach (var info in layout.Tensors)
        {
            FiniteDifferences.AssertMatches(info.Name, pet[info.Name], outputs[ClipGraphNames.Gradient(info.Name)], Loss, random);
        }

        if (textOffset)
        {
            var gradient = outputs[ClipGraphNames.Gradient(ClipGraphNames.TextOffset)];
            Assert.Contains(gradient, g => Math.Abs(g) > 1e-6);
            FiniteDifferences.AssertMatches(ClipGraphNames.TextOffset, offsets, gradient, Loss, random, randomEntries: 6);
        }
    }

    private static double[] LogSoftmax(ReferenceClip reference, double[] image, double[][] referenceText)
    {
        double scale = Math.Exp(reference.LogitScale);
        var img = ReferenceClip.Normalize(image);
        var logits = referenceText.Select(r => scale * img.Zip(r, (x, y) => x * y).Sum()).ToArray();
        double max = logits.Max();
        double log = max + Math.Log(logits.Sum(z => Math.Exp(z - max)));
        return logits.Select(z => z - log).ToArray();
    }
}
