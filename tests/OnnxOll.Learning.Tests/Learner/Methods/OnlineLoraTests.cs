using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner.Methods;

/// <summary><c>--method online-lora</c>: its penalty's gradient matches finite differences, a plateau on a tiny model's stream consolidates
/// (recorded with its position), the hard buffer holds the last batch's highest-loss samples and enters the next batch, and a run
/// killed mid-stream resumes bit for bit.</summary>
public sealed class OnlineLoraTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    // Four colours × two shapes × 6 images = 48 stream samples, six batches of 8.
    private const string Data = "synthetic:colours=4,shapes=2,textures=1,train=6,test=2,seed=5";
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";
    private const int CrashBatch = 4;

    // Thresholds every window meets: the first full window (after batch 2) is a plateau.
    private static readonly LearnerOptions Options = new()
    {
        BatchSize = 8,
        LearningRate = 1e-2f,
        EvalEvery = 16,
        CheckpointEvery = 1,
        KeepCheckpoints = 100,
        Methods = [MethodSpec.Parse("online-lora:window=2,mean=100,variance=100,weight=50,buffer=2")],
    };

    [Fact]
    public void APlateauConsolidatesAndTheHardBufferEntersTheNextBatch()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var recorder = new LossRecorder();
        var (_, pet, method) = RunToEnd(model, fixture.RunDirectory("online-lora-stream"), Options, resume: false, recorder);
        var (_, unpenalised, _) = RunToEnd(model, fixture.RunDirectory("online-lora-unpenalised"), Options with
        {
            Methods = [MethodSpec.Parse("online-lora:window=2,mean=100,variance=100,weight=0,buffer=2")],
        }, resume: false);

        Assert.Equal((16L, 2L), method.Consolidations[0]);
        Assert.Contains(method.Importance.Values.SelectMany(v => v), w => w > 0);
        Assert.NotEqual(pet, unpenalised);
        Assert.Equal(2, method.HardBuffer.Count);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.RunDirectory("online-lora-stream"), "summary.json")))!["methods"]!;
        Assert.Equal(method.Consolidations.Count, summary["OnlineLora.consolidations"]!.GetValue<double>());
        Assert.Equal(16, summary["OnlineLora.position_001"]!.GetValue<double>());

        // From batch 2 on, the plan holds the 8 stream samples and the 2 of the hard buffer: the previous batch's highest first-step losses.
        Assert.Equal([8, 10, 10, 10, 10, 10], recorder.Plans.Select(p => p.Count));
        for (int b = 1; b < recorder.Plans.Count; b++)
        {
            var previous = recorder.Plans[b - 1];
            var hardest = Enumerable.Range(0, previous.Count).OrderByDescending(i => previous[i].Loss).ThenBy(i => i).Take(2).Select(i => previous[i]).ToList();
            var replayed = recorder.Plans[b].Skip(8).ToList();
            Assert.Equal(hardest.Select(h => h.Label), replayed.Select(r => r.Label));
            Assert.Equal(hardest.SelectMany(h => h.Pixels), replayed.SelectMany(r => r.Pixels));
            Assert.All(replayed, r => Assert.False(r.FromStream));
        }
    }

    [Fact]
    public void AKilledRunResumesWithTheSamePetRecordsAndConsolidations()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var (wholeRecords, wholePet, whole) = RunToEnd(model, fixture.RunDirectory("online-lora-whole"), Options, resume: false);

        string crashed = fixture.RunDirectory("online-lora-crashed");
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options, crashed))
        {
            learner.Plugins.Add(new CrashInBatch(CrashBatch + 1));
            Assert.Throws<SimulatedCrash>(() => learner.Run(data));
        }

        var (resumedRecords, resumedPet, resumed) = RunToEnd(model, crashed, Options, resume: true);
        Assert.Equal(wholePet, resumedPet);
        Assert.Equal(wholeRecords, resumedRecords);
        Assert.Equal(whole.Consolidations, resumed.Consolidations);
        Assert.Equal(whole.HardBuffer.Select(h => h.Label), resumed.HardBuffer.Select(h => h.Label));
        Assert.Equal(whole.HardBuffer.SelectMany(h => h.Pixels), resumed.HardBuffer.SelectMany(h => h.Pixels));
        Assert.Equal(whole.Anchors.Values.SelectMany(a => a), resumed.Anchors.Values.SelectMany(a => a));
        Assert.Equal(whole.Importance.Values.SelectMany(a => a), resumed.Importance.Values.SelectMany(a => a));
    }

    [Fact]
    public void PenaltyGradientMatchesFiniteDifferences()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var layout = model.Layout;
        const double weight = 0.8;
        var options = new ClipTrainingOptions { Precision = ClipPrecision.Float64, Dropout = false, LossTerms = [new OnlineLora.ImportancePenalty(weight, layout)] };
        var plain = options with { LossTerms = [] };
        using var withTerm = new InferenceSession(model.Frozen.SaveGraph(ClipTrainingGraph.Build(model.Frozen, layout, options), "online-lora-fd.onnx"));
        using var without = new InferenceSession(model.Frozen.SaveGraph(ClipTrainingGraph.Build(model.Frozen, layout, plain), "online-lora-plain.onnx"));

        var random = new Random(17);
        double[] Uniform(long count, double low, double high) => Enumerable.Range(0, (int)count).Select(_ => low + (random.NextDouble() * (high - low))).ToArray();
        var v = model.Config.Vision;
        int p = model.Config.ProjectionDim;
        var inputs = new Dictionary<string, (double[] Data, long[] Shape)>
        {
            [ClipGraphNames.PixelValues] = (Uniform(3L * v.NumChannels * v.ImageSize * v.ImageSize, -1, 1), [3, v.NumChannels, v.ImageSize, v.ImageSize]),
            [ClipGraphNames.TextFeatures] = (Uniform(2L * p, -0.5, 0.5), [2, p]),
        };
        foreach (var tensor in layout.Tensors)
        {
            inputs[tensor.Name] = (Uniform(tensor.ElementCount, -0.2, 0.2), tensor.Shape);
            inputs[OnlineLora.AnchorInput(tensor.Name)] = (Uniform(tensor.ElementCount, -0.2, 0.2), tensor.Shape);
            inputs[OnlineLora.ImportanceInput(tensor.Name)] = (Uniform(tensor.ElementCount, 0, 3), tensor.Shape);
        }

        var withOutputs = ReplayAnchorPluginTests.Run(withTerm, inputs);
        var plainOutputs = ReplayAnchorPluginTests.Run(without, inputs);
        const double eps = 1e-5;
        foreach (var tensor in layout.Tensors)
        {
            var values = inputs[tensor.Name].Data;
            var anchor = inputs[OnlineLora.AnchorInput(tensor.Name)].Data;
            var omega = inputs[OnlineLora.ImportanceInput(tensor.Name)].Data;
            var gradient = withOutputs[ClipGraphNames.Gradient(tensor.Name)];
            var plainGradient = plainOutputs[ClipGraphNames.Gradient(tensor.Name)];
            for (int i = 0; i < values.Length; i++)
            {
                Assert.Equal(plainGradient[i] + (weight * omega[i] * (values[i] - anchor[i])), gradient[i], 1e-9);
            }

            foreach (int i in new[] { 0, values.Length / 3, values.Length - 1 })
            {
                double saved = values[i];
                values[i] = saved + eps;
                double plus = ReplayAnchorPluginTests.Run(withTerm, inputs)[ClipGraphNames.Loss][0];
                values[i] = saved - eps;
                double minus = ReplayAnchorPluginTests.Run(withTerm, inputs)[ClipGraphNames.Loss][0];
                values[i] = saved;
                Assert.Equal((plus - minus) / (2 * eps), gradient[i], 1e-6);
            }
        }
    }

    private static (double[] Records, float[] Pet, OnlineLora Method) RunToEnd(ClipModelRuntime model, string run, LearnerOptions options, bool resume, LearnerPlugin? observer = null)
    {
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, run);
        if (observer is not null)
        {
            learner.Plugins.Add(observer);
        }

        if (resume)
        {
            Assert.Contains($"step {CrashBatch}", learner.Resume(), StringComparison.Ordinal);
        }

        var records = learner.Run(data).Records.Select(r => r.Accuracy).ToArray();
        return (records, model.Layout.Tensors.SelectMany(t => learner.Pet[t.Name]).ToArray(), learner.Methods.OfType<OnlineLora>().Single());
    }

    /// <summary>Records each batch's planned samples with their first-step losses.</summary>
    private sealed class LossRecorder : LearnerPlugin
    {
        public List<List<(string Label, float[] Pixels, bool FromStream, float Loss)>> Plans { get; } = [];

        public override void AfterBackward(LearnerContext context)
        {
            if (context.Iteration == 0)
            {
                var losses = context.SampleLosses.ToArray();
                Plans.Add([.. context.Plan!.Samples.Select((s, i) => (s.Label, (float[])s.Pixels.Clone(), s.FromStream, losses[i]))]);
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
