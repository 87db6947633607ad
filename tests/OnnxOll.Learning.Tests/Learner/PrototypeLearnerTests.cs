using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Learner;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>Prototype logits in the learner: with weight 1 and no gradient steps the evaluation is a running-class-means classifier
/// (checked against an independent nearest-mean computation), and the prototypes resume bit for bit from a checkpoint.</summary>
public sealed class PrototypeLearnerTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    private const string Data = "synthetic:colours=4,shapes=2,textures=1,train=40,test=10,seed=7";
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";

    [Fact]
    public void ZeroShotWithFullPrototypeWeightIsRunningClassMeans()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var data = DataSources.Open(Data);
        var options = new LearnerOptions { BatchSize = 16, ZeroShot = true, PrototypeWeight = 1, EvalEvery = 0, CheckpointEvery = 0 };
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, fixture.RunDirectory("rcm"));
        var result = learner.Run(data);

        var preparer = new SamplePreparer(model.Preprocessing);
        using var embedder = new ImageEmbedder(model);
        var (trainEmbeds, trainLabels) = Embed(data.Train, preparer, embedder, learner.Pet);
        var (testEmbeds, testLabels) = Embed(data.Test!, preparer, embedder, learner.Pet);
        var classes = trainLabels.Distinct().ToArray();
        var means = classes.ToDictionary(c => c, c => Normalize(Mean(trainEmbeds.Where((_, i) => trainLabels[i] == c))));
        int correct = testEmbeds.Where((e, i) => classes.MaxBy(c => Dot(e, means[c])) == testLabels[i]).Count();

        Assert.Equal((double)correct / testLabels.Length, result.Summary.ALast!.Value, 12);
        Assert.True(result.Summary.ALast > 2.0 / classes.Length, $"running class means reached only {result.Summary.ALast:P1} of {classes.Length} classes on a random tiny CLIP");
    }

    [Fact]
    public void PrototypesResumeBitForBit()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var options = new LearnerOptions { BatchSize = 16, LearningRate = 1e-2f, PrototypeWeight = 0.5f, EvalEvery = 32, CheckpointEvery = 1, KeepCheckpoints = 100 };
        string whole = fixture.RunDirectory("proto-whole"), resumed = fixture.RunDirectory("proto-resumed");
        LearnerResult first;
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, whole))
        {
            first = learner.Run(data);
        }

        foreach (var file in Directory.EnumerateFiles(whole, "ckpt-00000003.*"))
        {
            Directory.CreateDirectory(resumed);
            File.Copy(file, Path.Combine(resumed, Path.GetFileName(file)));
        }

        LearnerResult second;
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, resumed))
        {
            Assert.Contains("step 3", learner.Resume(), StringComparison.Ordinal);
            second = learner.Run(data);
        }

        Assert.Equal(first.Summary.ALast, second.Summary.ALast);
        Assert.Equal(first.Records.Select(r => r.Accuracy), second.Records.Select(r => r.Accuracy));
        var a = LatestState(whole, model);
        var b = LatestState(resumed, model);
        Assert.Equal(2, a.Count);
        foreach (var (x, y) in a.Zip(b))
        {
            Assert.Equal(x.Name, y.Name);
            Assert.Equal(x.Data, y.Data);
        }
    }

    [Fact]
    public void ResumeRefusesACheckpointWithoutPrototypesWhenTheRunMixesThem()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        string run = fixture.RunDirectory("proto-missing");
        var plain = new LearnerOptions { BatchSize = 16, EvalEvery = 0, CheckpointEvery = 1 };
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), plain, run))
        {
            learner.Run(data);
        }

        using var mixing = new OnlineLearner(model, ScenarioSpec.Parse("iid"), plain with { PrototypeWeight = 0.5f }, run);
        var error = Assert.Throws<InvalidDataException>(() => mixing.Resume());
        Assert.Contains("prototype_weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MemoryRoundTripsAndADamagedCountIsNamed()
    {
        var memory = new PrototypeMemory(3);
        memory.Add(2, [1, 0, 0]);
        memory.Add(2, [0, 1, 0]);
        memory.Add(0, [0, 0, 1]);
        var mean = new float[3];
        Assert.True(memory.TryNormalizedMean(2, mean));
        Assert.Equal([MathF.Sqrt(0.5f), MathF.Sqrt(0.5f), 0], mean);
        Assert.False(memory.TryNormalizedMean(1, mean));

        var copy = new PrototypeMemory(3);
        copy.Restore(memory.ToTensors(), "ckpt.json");
        Assert.Equal(2, copy.Count(2));
        Assert.Equal(memory.ToTensors()[0].Data, copy.ToTensors()[0].Data);

        var damaged = memory.ToTensors().Select(t => t.Name == PrototypeMemory.CountName ? new NamedTensor(t.Name, [1.5f, 0, 2], t.Shape) : t).ToArray();
        var error = Assert.Throws<InvalidDataException>(() => copy.Restore(damaged, "ckpt.json"));
        Assert.Contains("ckpt.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(PrototypeMemory.CountName, error.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<NamedTensor> LatestState(string run, ClipModelRuntime model) =>
        new CheckpointStore(run).LoadLatest(model.ModelHash, model.Layout.Spec.ToString()).Checkpoint!.State!;

    private static (double[][] Embeds, string[] Labels) Embed(OnnxOll.Streams.Data.ILabelledSampleSource source, SamplePreparer preparer, ImageEmbedder embedder, PetParameters pet)
    {
        var embeds = new double[source.Labels.Count][];
        var output = new float[embedder.Dimension];
        for (int i = 0; i < embeds.Length; i++)
        {
            embedder.Embed(preparer.Prepare(source.Read(i)), 1, pet, output);
            embeds[i] = [.. output.Select(x => (double)x)];
        }

        return (embeds, [.. source.Labels]);
    }

    private static double[] Mean(IEnumerable<double[]> rows)
    {
        var list = rows.ToList();
        return [.. Enumerable.Range(0, list[0].Length).Select(d => list.Average(r => r[d]))];
    }

    private static double[] Normalize(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
}
