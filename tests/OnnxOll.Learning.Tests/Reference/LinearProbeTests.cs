using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Reference;
using OnnxOll.Streams.Synthetic;
using OnnxOll.Learning.Tests.Learner;

namespace OnnxOll.Learning.Tests.Reference;

/// <summary>The linear probe: fits separable classes, its fitted weights minimise the penalised loss (the gradient there is ~0,
/// checked by central differences of the loss), it is deterministic by seed, and the reference row scores a tiny model's stream.</summary>
public sealed class LinearProbeTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    [Fact]
    public void FitsSeparableClassesDeterministically()
    {
        var (features, labels) = Clusters(classes: 4, perClass: 50, dim: 6, seed: 3);
        var probe = new LinearProbe { Epochs = 60, BatchSize = 32 };
        var weights = probe.Fit(features, labels, 4, seed: 1);
        Assert.True(Accuracy(weights, features, labels, 6) >= 0.95);
        Assert.Equal(weights, probe.Fit(features, labels, 4, seed: 1));
        Assert.NotEqual(weights, probe.Fit(features, labels, 4, seed: 2));
        Assert.Throws<ArgumentException>(() => probe.Fit(features, [.. labels.Select(l => l + 1)], 4, seed: 1));
    }

    [Fact]
    public void FittedWeightsAreAMinimumOfThePenalisedLoss()
    {
        var (features, labels) = Clusters(classes: 3, perClass: 20, dim: 4, seed: 5);
        var probe = new LinearProbe { Epochs = 3000, BatchSize = 60, LearningRate = 1e-2f, L2 = 1e-1f };
        var weights = probe.Fit(features, labels, 3, seed: 0).Select(w => (double)w).ToArray();
        const double eps = 1e-4;
        for (int j = 0; j < weights.Length; j++)
        {
            double saved = weights[j];
            weights[j] = saved + eps;
            double plus = Loss(weights, features, labels, 4, probe.L2);
            weights[j] = saved - eps;
            double minus = Loss(weights, features, labels, 4, probe.L2);
            weights[j] = saved;
            Assert.True(Math.Abs((plus - minus) / (2 * eps)) < 2e-3, $"d loss / d w[{j}] = {(plus - minus) / (2 * eps):E3} at the fitted weights");
        }
    }

    [Fact]
    public void ReferenceRowScoresTheStreamsClasses()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse("lora:r=1,towers=image"));
        using var data = DataSources.Open("synthetic:colours=4,shapes=2,textures=1,train=40,test=10,seed=7");
        string run = fixture.RunDirectory("probe");
        var summary = LinearProbeReference.Run(model, data, new LearnerOptions { HoldoutClasses = 2 }, new LinearProbe(), run);
        Assert.Equal(6 * 40, summary.SamplesSeen);
        Assert.True(summary.ALast > 2.0 / 6, $"the probe reached only {summary.ALast:P1} of 6 synthetic classes");
        Assert.True(File.Exists(Path.Combine(run, "summary.json")));
    }

    private static (float[] Features, int[] Labels) Clusters(int classes, int perClass, int dim, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, classes).Select(_ => Enumerable.Range(0, dim).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray()).ToArray();
        var labels = Enumerable.Range(0, classes * perClass).Select(i => i % classes).ToArray();
        var features = labels.SelectMany(l => centres[l].Select(c => c + (float)((random.NextDouble() - 0.5) * 0.5))).ToArray();
        return (features, labels);
    }

    private static double Accuracy(float[] weights, float[] features, int[] labels, int dim) =>
        labels.Select((l, i) => Enumerable.Range(0, weights.Length / dim).MaxBy(c => Score(weights, c, features, i, dim)) == l ? 1.0 : 0).Average();

    private static double Loss(double[] weights, float[] features, int[] labels, int dim, float l2)
    {
        double total = 0;
        int classes = weights.Length / dim;
        for (int i = 0; i < labels.Length; i++)
        {
            var logits = Enumerable.Range(0, classes).Select(c => Enumerable.Range(0, dim).Sum(d => weights[(c * dim) + d] * features[(i * dim) + d])).ToArray();
            double max = logits.Max();
            total += max + Math.Log(logits.Sum(z => Math.Exp(z - max))) - logits[labels[i]];
        }

        return (total / labels.Length) + (0.5 * l2 * weights.Sum(w => w * w));
    }

    private static double Score(float[] weights, int c, float[] features, int i, int dim) =>
        Enumerable.Range(0, dim).Sum(d => weights[(c * dim) + d] * features[(i * dim) + d]);
}
