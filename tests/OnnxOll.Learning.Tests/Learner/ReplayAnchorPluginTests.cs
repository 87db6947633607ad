using Microsoft.ML.OnnxRuntime;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>A method written as one plugin (<see cref="ReplayAnchorPlugin"/>) changes learning through the hooks: it replays samples,
/// adds a loss term whose gradient matches finite differences, announces boundaries, and its state survives a crash bit for bit.</summary>
public sealed class ReplayAnchorPluginTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    // Four colours × two shapes × 6 images = 48 stream samples, six batches of 8.
    private const string Data = "synthetic:colours=4,shapes=2,textures=1,train=6,test=2,seed=5";
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";
    private const int CrashBatch = 4;

    private static readonly LearnerOptions Options = new()
    {
        BatchSize = 8,
        LearningRate = 1e-2f,
        EvalEvery = 16,
        CheckpointEvery = 1,
        KeepCheckpoints = 100,
    };

    [Fact]
    public void ReplaysPullsAnnouncesAndResumesAfterACrashBitForBit()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var whole = NewPlugin(pullWeight: 50);
        var (wholeRecords, wholePet) = RunToEnd(model, fixture.RunDirectory("replay-whole"), whole);
        var (_, unpulledPet) = RunToEnd(model, fixture.RunDirectory("replay-unpulled"), NewPlugin(pullWeight: 0));

        Assert.Equal(20, whole.Replayed); // 4 in each of batches 2..6, from the buffer batch 1 filled
        Assert.Equal(2, whole.Consolidations); // announced after batches 2 and 4, crossed before batches 3 and 5
        Assert.NotEqual(wholePet, unpulledPet);

        string crashed = fixture.RunDirectory("replay-crashed");
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options, crashed))
        {
            learner.Plugins.Add(NewPlugin(pullWeight: 50));
            learner.Plugins.Add(new CrashInBatch(CrashBatch + 1));
            Assert.Throws<SimulatedCrash>(() => learner.Run(data));
        }

        var resumed = NewPlugin(pullWeight: 50);
        double[] resumedRecords;
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options, crashed))
        {
            learner.Plugins.Add(resumed);
            Assert.Contains($"step {CrashBatch}", learner.Resume(), StringComparison.Ordinal);
            resumedRecords = learner.Run(data).Records.Select(r => r.Accuracy).ToArray();
            Assert.Equal(wholePet, Flat(learner, model));
        }

        Assert.Equal(wholeRecords, resumedRecords);
        Assert.Equal((whole.Replayed, whole.Consolidations), (resumed.Replayed, resumed.Consolidations));
        Assert.Equal(whole.Buffer.Select(b => b.Label), resumed.Buffer.Select(b => b.Label));
        Assert.Equal(whole.Buffer.SelectMany(b => b.Pixels), resumed.Buffer.SelectMany(b => b.Pixels));
        Assert.Equal(whole.Anchors.Values.SelectMany(a => a), resumed.Anchors.Values.SelectMany(a => a));
    }

    [Fact]
    public void AnchorPullGradientMatchesFiniteDifferences()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var layout = model.Layout;
        const double weight = 0.8;
        var options = new ClipTrainingOptions { Precision = ClipPrecision.Float64, Dropout = false, LossTerms = [new ReplayAnchorPlugin.AnchorPull(weight, layout)] };
        var plain = options with { LossTerms = [] };
        using var withTerm = new InferenceSession(model.Frozen.SaveGraph(ClipTrainingGraph.Build(model.Frozen, layout, options), "anchor-pull-fd.onnx"));
        using var without = new InferenceSession(model.Frozen.SaveGraph(ClipTrainingGraph.Build(model.Frozen, layout, plain), "anchor-pull-plain.onnx"));

        var random = new Random(11);
        double[] Uniform(long count, double range) => Enumerable.Range(0, (int)count).Select(_ => (random.NextDouble() - 0.5) * range).ToArray();
        var v = model.Config.Vision;
        int p = model.Config.ProjectionDim;
        var inputs = new Dictionary<string, (double[] Data, long[] Shape)>
        {
            [ClipGraphNames.PixelValues] = (Uniform(3L * v.NumChannels * v.ImageSize * v.ImageSize, 2), [3, v.NumChannels, v.ImageSize, v.ImageSize]),
            [ClipGraphNames.TextFeatures] = (Uniform(2L * p, 1), [2, p]),
        };
        foreach (var tensor in layout.Tensors)
        {
            inputs[tensor.Name] = (Uniform(tensor.ElementCount, 0.4), tensor.Shape);
            inputs[ReplayAnchorPlugin.AnchorInput(tensor.Name)] = (Uniform(tensor.ElementCount, 0.4), tensor.Shape);
        }

        var withOutputs = Run(withTerm, inputs);
        var plainOutputs = Run(without, inputs);
        const double eps = 1e-5;
        foreach (var tensor in layout.Tensors)
        {
            var values = inputs[tensor.Name].Data;
            var anchor = inputs[ReplayAnchorPlugin.AnchorInput(tensor.Name)].Data;
            var gradient = withOutputs[ClipGraphNames.Gradient(tensor.Name)];
            var plainGradient = plainOutputs[ClipGraphNames.Gradient(tensor.Name)];
            for (int i = 0; i < values.Length; i++)
            {
                Assert.Equal(plainGradient[i] + (2 * weight * (values[i] - anchor[i])), gradient[i], 1e-9);
            }

            foreach (int i in new[] { 0, values.Length / 2, values.Length - 1 })
            {
                double saved = values[i];
                values[i] = saved + eps;
                double plus = Run(withTerm, inputs)[ClipGraphNames.Loss][0];
                values[i] = saved - eps;
                double minus = Run(withTerm, inputs)[ClipGraphNames.Loss][0];
                values[i] = saved;
                Assert.Equal((plus - minus) / (2 * eps), gradient[i], 1e-6);
            }
        }
    }

    private static ReplayAnchorPlugin NewPlugin(double pullWeight) => new(capacity: 6, replay: 4, boundaryEvery: 2, pullWeight, seed: 42);

    private static (double[] Records, float[] Pet) RunToEnd(ClipModelRuntime model, string run, ReplayAnchorPlugin plugin)
    {
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options, run);
        learner.Plugins.Add(plugin);
        var records = learner.Run(data).Records.Select(r => r.Accuracy).ToArray();
        return (records, Flat(learner, model));
    }

    private static float[] Flat(OnlineLearner learner, ClipModelRuntime model) => model.Layout.Tensors.SelectMany(t => learner.Pet[t.Name]).ToArray();

    internal static Dictionary<string, double[]> Run(InferenceSession session, Dictionary<string, (double[] Data, long[] Shape)> inputs)
    {
        var values = new Dictionary<string, OrtValue>();
        try
        {
            foreach (var name in session.InputNames)
            {
                values[name] = name == ClipGraphNames.Targets
                    ? OrtValue.CreateTensorValueFromMemory(new long[] { 0, 1, 0 }, [3])
                    : OrtValue.CreateTensorValueFromMemory(inputs[name].Data, inputs[name].Shape);
            }

            using var results = session.Run(new RunOptions(), values.Keys.ToArray(), values.Values.ToArray(), session.OutputNames);
            return session.OutputNames.Zip(results).ToDictionary(x => x.First, x => x.Second.GetTensorDataAsSpan<double>().ToArray());
        }
        finally
        {
            foreach (var value in values.Values)
            {
                value.Dispose();
            }
        }
    }

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
