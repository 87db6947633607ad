using OnnxOll.Autodiff.Checking;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Runtime;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;
using DataType = OnnxOll.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>DDAS (<see cref="DistributionSelector"/>): its autoencoder's gradient, its routing of learned and unseen distributions, its
/// checkpointed state and a bit-exact resume after a crash.</summary>
/// <remarks>The tiny random CLIP maps every image to nearly one embedding (cosine ≈ 0.9996 between a synthetic shape and pixel noise),
/// so routing by distribution is checked on synthetic feature clusters; the learner tests check the plumbing and the state.</remarks>
public sealed class DistributionSelectorTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    // Two textures × four colours × two shapes, 6 training and 4 test images each; the striped half is held out (the control classes),
    // so the stream is 8 classes × 6 = 48 samples, six batches of 8.
    private const string Data = "synthetic:colours=4,shapes=2,textures=2,train=6,test=4,seed=9";
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";
    private const int CrashBatch = 4;
    private const int Width = 32;
    private static readonly DdasOptions Ddas = new() { HiddenDims = 4, StepsPerBatch = 4, ThresholdSamples = 32, Seed = 7 };

    private static readonly LearnerOptions Options = new()
    {
        BatchSize = 8,
        LearningRate = 1e-2f,
        EvalEvery = 24,
        CheckpointEvery = 1,
        KeepCheckpoints = 100,
        HoldoutClassNames = new SyntheticShapes(SyntheticShapesOptions.Parse("colours=4,shapes=2,textures=2")).ClassNames.Skip(8).ToArray(),
    };

    [Fact]
    public void AutoencoderGradientMatchesFiniteDifferences()
    {
        using var ort = new DoubleEvaluator();
        var result = FiniteDifferenceChecker.Check(AutoencoderLossGraph.Forward(6, 3, DataType.Double, rows: 5), AutoencoderLossGraph.Parameters, ort.Evaluate);
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void RouterErrorIsTheLossGraphsPerSampleError()
    {
        var autoencoder = new DdasAutoencoder(Width, Ddas, seed: 5);
        using var graph = new AutoencoderLossGraph(Width, Ddas.HiddenDims);
        var features = Cluster(new Random(1), direction: 0, count: 6);
        var errors = new float[6];
        var gradients = autoencoder.Values.Select(v => new float[v.Length]).ToArray();
        float loss = graph.Run(features, 6, autoencoder.Values, gradients, errors);

        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(errors[i], autoencoder.Error(features.AsSpan(i * Width, Width)), errors[i] * 1e-5f);
        }

        Assert.Equal(errors.Average(), loss, 1e-6);
        Assert.Contains(gradients, g => g.Any(x => x != 0));
    }

    [Fact]
    public void RoutesLearnedDistributionsToTheLearnedModelAndAnotherToTheFrozenOne()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var selector = new DistributionSelector(model, Ddas with { HiddenDims = 3, StepsPerBatch = 2, ThresholdSamples = 256 });
        var random = new Random(3);
        Assert.True(selector.ToFrozen(Cluster(random, 0, 1)));
        foreach (int direction in new[] { 0, 1 })
        {
            for (int batch = 0; batch < 60; batch++)
            {
                selector.Learn(Cluster(random, direction, 16), 16);
            }

            selector.EndDistribution();
        }

        Assert.Equal(2, selector.Autoencoders.Count);
        Assert.All(selector.Autoencoders, a => Assert.False(a.Open));
        Assert.InRange(ToLearned(selector, Cluster(random, 0, 200)), 170, 200);
        Assert.InRange(ToLearned(selector, Cluster(random, 1, 200)), 170, 200);
        Assert.InRange(ToLearned(selector, Cluster(random, 2, 200)), 0, 10);
    }

    [Fact]
    public void StateRoundTripsAndLearningContinuesIdentically()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var original = new DistributionSelector(model, Ddas);
        var random = new Random(4);
        for (int batch = 0; batch < 5; batch++)
        {
            original.Learn(Cluster(random, batch < 3 ? 0 : 1, 16), 16);
            if (batch == 2)
            {
                original.EndDistribution();
            }
        }

        using var restored = new DistributionSelector(model, Ddas);
        restored.RestoreState(null!, original.SaveState(null!)!);
        var more = Cluster(random, 1, 16);
        original.Learn(more, 16);
        restored.Learn(more, 16);
        original.EndDistribution();
        restored.EndDistribution();

        AssertSameAutoencoders(original, restored);
        using var other = new DistributionSelector(model, Ddas with { HiddenDims = 5 });
        var error = Assert.Throws<InvalidDataException>(() => other.RestoreState(null!, original.SaveState(null!)!));
        Assert.Contains("hidden_dims", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LearnerTrainsOneAutoencoderPerTaskAndMeasuresRoutingOnStreamedAndControlClasses()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var selector = new DistributionSelector(model, Ddas);
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), Options with { CheckpointEvery = 0 }, fixture.RunDirectory("ddas-learner"));
        learner.Plugins.Add(selector);
        var summary = learner.Run(data).Summary;

        Assert.Equal(2, selector.Autoencoders.Count);
        Assert.All(selector.Autoencoders, a => Assert.False(a.Open));
        Assert.All(selector.Autoencoders, a => Assert.True(float.IsFinite(a.Threshold) && a.Threshold > 0));
        var routing = selector.Routing;
        Assert.Equal(32, routing.StreamedImages); // the last evaluation: 8 streamed classes × 4 test images
        Assert.Equal(32, routing.ControlImages); // the final holdout evaluation: 8 control classes × 4
        Assert.InRange(routing.StreamedToLearned, 0, 1);
        Assert.InRange(routing.ControlToFrozen, 0, 1);
        Assert.Equal(routing.StreamedToLearned, summary.Methods!["ddas.streamed_to_learned"]);
        Assert.Equal(routing.ControlToFrozen, summary.Methods["ddas.control_to_frozen"]);
        var written = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.RunDirectory("ddas-learner"), "summary.json")))!;
        Assert.Equal(2, written["methods"]!["ddas.autoencoders"]!.GetValue<double>());
        Assert.Equal(routing.ControlToFrozen, written["methods"]!["ddas.control_to_frozen"]!.GetValue<double>());
    }

    [Fact]
    public void ResumesAfterACrashBitForBit()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var whole = new DistributionSelector(model, Ddas);
        float[] wholePet;
        double[] wholeRecords;
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), Options, fixture.RunDirectory("ddas-whole")))
        {
            learner.Plugins.Add(whole);
            wholeRecords = learner.Run(data).Records.Select(r => r.Accuracy).ToArray();
            wholePet = Flat(learner, model);
        }

        string crashed = fixture.RunDirectory("ddas-crashed");
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), Options, crashed))
        using (var doomed = new DistributionSelector(model, Ddas))
        {
            learner.Plugins.Add(doomed);
            learner.Plugins.Add(new CrashInBatch(CrashBatch + 1));
            Assert.Throws<SimulatedCrash>(() => learner.Run(data));
        }

        using var resumed = new DistributionSelector(model, Ddas);
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), Options, crashed))
        {
            learner.Plugins.Add(resumed);
            var warnings = new List<string>();
            string note = learner.Resume(warnings.Add);
            Assert.True(note.Contains($"step {CrashBatch}", StringComparison.Ordinal), note + string.Join("\n", warnings));
            Assert.Equal(wholeRecords, learner.Run(data).Records.Select(r => r.Accuracy).ToArray());
            Assert.Equal(wholePet, Flat(learner, model));
        }

        AssertSameAutoencoders(whole, resumed);
        Assert.Equal(whole.Routing, resumed.Routing);
    }

    /// <summary><paramref name="count"/> normalised features near basis direction <paramref name="direction"/>, varying along two
    /// directions of their own: a low-rank distribution an autoencoder of a few codes learns.</summary>
    private static float[] Cluster(Random random, int direction, int count)
    {
        var features = new float[count * Width];
        for (int i = 0; i < count; i++)
        {
            var row = features.AsSpan(i * Width, Width);
            row[direction] = 1;
            row[3 + (2 * direction)] = (float)(0.3 * random.NextDouble());
            row[4 + (2 * direction)] = (float)(0.3 * random.NextDouble());
            for (int j = 0; j < Width; j++)
            {
                row[j] += (float)(0.01 * (random.NextDouble() - 0.5));
            }

            float norm = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
        }

        return features;
    }

    private static int ToLearned(DistributionSelector selector, float[] features) =>
        Enumerable.Range(0, features.Length / Width).Count(i => !selector.ToFrozen(features.AsSpan(i * Width, Width)));

    private static void AssertSameAutoencoders(DistributionSelector expected, DistributionSelector actual)
    {
        Assert.Equal(expected.Autoencoders.Count, actual.Autoencoders.Count);
        foreach (var (e, a) in expected.Autoencoders.Zip(actual.Autoencoders))
        {
            Assert.Equal(e.Threshold, a.Threshold);
            Assert.Equal(e.Open, a.Open);
            Assert.Equal(e.Values.SelectMany(v => v), a.Values.SelectMany(v => v));
        }
    }

    private static float[] Flat(OnlineLearner learner, ClipModelRuntime model) => model.Layout.Tensors.SelectMany(t => learner.Pet[t.Name]).ToArray();

    /// <summary>Stands in for kill -9: thrown inside a gradient step, it skips the final checkpoint and loses every in-memory state.</summary>
    private sealed class SimulatedCrash : Exception;

    private sealed class CrashInBatch(long batch) : LearnerPlugin
    {
        public override void BeforeStep(LearnerContext context)
        {
            if (context.State.Batches + 1 == batch)
            {
                throw new SimulatedCrash();
            }
        }
    }
}
