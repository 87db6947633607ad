using OnnxOll.Clip.Text;
using OnnxOll.Clip.Tiny;
using OnnxOll.Learning.Optim;
using OnnxOll.Runtime;

namespace OnnxOll.Pretraining.Tests;

/// <summary>The learned temperature moves the way the loss asks, through the real pretraining step and optimizer, and never past
/// CLIP's clamp of ln 100 (its gradient is checked against finite differences in the Clip tests' PretrainingGradientTests).</summary>
public sealed class LogitScaleTests
{
    private const int Batch = 4;

    // Four distinct captions memorised first (every weight trained); then, with only the scale trained, a sharper softmax is all
    // that still lowers the loss, so the scale climbs to the clamp and stays there.
    [Fact]
    public void ScaleRisesWhenPairsSeparate()
    {
        var trace = Train(labels: [0, 1, 2, 3], steps: 110, scaleOnlySteps: 300, scaleRate: 2e-2f);
        var rising = trace[110..];
        Assert.True(rising[^1] > trace[109] + 0.5f, $"logit_scale {trace[109]} → {rising[^1]}");
        Assert.All(rising.Zip(rising[1..]), p => Assert.True(p.Second >= p.First, $"logit_scale fell from {p.First} to {p.Second}"));
    }

    // The same with large scale steps: the scale reaches ln 100 and stays there, never past it.
    [Fact]
    public void ScaleStopsAtItsClamp()
    {
        var trace = Train(labels: [0, 1, 2, 3], steps: 110, scaleOnlySteps: 60, scaleRate: 0.3f);
        Assert.All(trace, s => Assert.True(s <= ClipParameterSet.MaxLogitScale, $"logit_scale {s} passed ln 100"));
        Assert.Equal(ClipParameterSet.MaxLogitScale, trace[^1]);
        Assert.True(trace.Count(s => s == ClipParameterSet.MaxLogitScale) > 30, "the scale should reach the clamp and stay there");
    }

    // One label for the whole batch: the soft targets are uniform, the loss is lowest for a flat softmax, so the scale falls.
    [Fact]
    public void ScaleFallsWhenEveryPairIsAPositive()
    {
        var trace = Train(labels: [0, 0, 0, 0], steps: 60);
        Assert.True(trace[^1] < trace[0] - 0.1f, $"logit_scale {trace[0]} → {trace[^1]}");
        Assert.All(trace, s => Assert.True(s >= 0));
    }

    /// <summary>logit_scale after each of <paramref name="steps"/> AdamW steps of every weight on one fixed batch of a tiny CLIP, then
    /// <paramref name="scaleOnlySteps"/> steps of a fresh AdamW (learning rate <paramref name="scaleRate"/>) on logit_scale alone.</summary>
    private static float[] Train(int[] labels, int steps, int scaleOnlySteps = 0, float scaleRate = 0)
    {
        var config = TinyClip.Config(TinyShape.Tiny);
        var parameters = ClipParameterSet.Random(config, seed: 3);
        int length = config.Text.MaxPositionEmbeddings, size = config.Vision.ImageSize;
        var random = new Random(4);
        var pixels = new float[Batch * 3 * size * size];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var ids = new long[Batch * length];
        var targets = new float[Batch * Batch];
        for (int i = 0; i < Batch; i++)
        {
            // Captions of one label are equal texts, as pretraining writes them.
            long[] caption = [TinyVocabulary.StartOfTextId, 10 + (7 * labels[i]), 11 + (7 * labels[i]), TinyVocabulary.EndOfTextId];
            caption.CopyTo(ids, i * length);
            int same = labels.Count(l => l == labels[i]);
            for (int j = 0; j < Batch; j++)
            {
                targets[(i * Batch) + j] = labels[j] == labels[i] ? 1f / same : 0f;
            }
        }

        var options = new AdamWOptions { LearningRate = 2e-2f, Beta2 = 0.98f, Epsilon = 1e-6f, WeightDecay = 0.1f };
        var all = new AdamW(parameters.Parameters, options);
        // PyTorch's default ε: once pairs separate, the scale's gradient shrinks toward CLIP's ε of 1e-6, which would stall the steps.
        var scaleOnly = new AdamW([.. parameters.Parameters.Where(p => p.Name == "logit_scale")], options with { Epsilon = 1e-8f, LearningRate = scaleRate > 0 ? scaleRate : options.LearningRate });
        using var step = new PretrainingStep(parameters, Batch, length, SessionSettings.Default with { IntraOpThreads = 1 });
        var trace = new float[steps + scaleOnlySteps];
        for (int s = 0; s < trace.Length; s++)
        {
            step.Run(pixels, ids, targets);
            (s < steps ? all : scaleOnly).Step();
            parameters.ClampLogitScale();
            trace[s] = parameters["logit_scale"][0];
        }

        return trace;
    }
}
