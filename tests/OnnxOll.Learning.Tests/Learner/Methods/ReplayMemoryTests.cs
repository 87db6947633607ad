using System.Text.Json.Nodes;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;
using Xunit.Abstractions;

namespace OnnxOll.Learning.Tests.Learner.Methods;

/// <summary><c>--method replay</c>: stored samples really enter the batches (with the all-seen loss when asked), the memory lives in
/// files of the run folder, and a run killed mid-stream resumes with the same PET tensors, records and memory as one never stopped.</summary>
public sealed class ReplayMemoryTests(TinyLearnerFixture fixture, ITestOutputHelper output) : IClassFixture<TinyLearnerFixture>
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
        KeepCheckpoints = 2,
        Seed = 3,
        Methods = [MethodSpec.Parse("replay:memory=6,loss=all,batch=4")],
    };

    [Fact]
    public void ReplayedSamplesEnterEachBatchWithTheAllSeenLoss()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var data = DataSources.Open(Data);
        string run = fixture.RunDirectory("replay-batches");
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options, run);
        var batches = new PlanRecorder();
        learner.Plugins.Add(batches);
        learner.Run(data);

        Assert.Equal([0, 4, 4, 4, 4, 4], batches.Replayed.Select(r => r.Count));
        Assert.All(batches.Stream, s => Assert.Equal(8, s.Count));
        Assert.All(batches.Losses, l => Assert.Equal(LossKind.All, l));
        for (int b = 1; b < batches.Replayed.Count; b++)
        {
            var earlier = batches.Stream.Take(b).SelectMany(s => s).ToList();
            Assert.All(batches.Replayed[b], r => Assert.Contains(earlier, s => s.Label == r.Label && s.Pixels.SequenceEqual(r.Pixels)));
            Assert.Equal(4, batches.Replayed[b].Select(r => r.Pixels).Distinct(new PixelsComparer()).Count());
        }

        // Memory files stay; an evicted one stays only while a kept checkpoint (here the last two) still names it.
        var replay = learner.Methods.OfType<ReplayMemory>().Single();
        var files = Directory.GetFiles(Path.Combine(run, ReplayMemory.FolderName)).Select(f => Path.GetFileName(f)).ToHashSet();
        Assert.Equal(6, replay.Memory.Count);
        Assert.Superset(replay.Memory.Select(m => m.File).ToHashSet(), files);
        Assert.InRange(files.Count, 6, 6 + 8);
        long bytes = replay.Memory.Sum(m => new FileInfo(replay.PathOf(m.File)).Length);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!["methods"]!;
        Assert.Equal(bytes / 6.0, summary["ReplayMemory.disk_bytes_per_sample"]!.GetValue<double>());
        Assert.Equal(20, summary["ReplayMemory.replayed"]!.GetValue<double>());
        output.WriteLine($"replay memory: {replay.Memory.Count} samples, {bytes} bytes on disk, {bytes / replay.Memory.Count} bytes per sample (PNG of the synthetic images)");
    }

    [Fact]
    public void AKilledRunResumesWithTheSamePetRecordsAndMemory()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        string wholeRun = fixture.RunDirectory("replay-method-whole");
        var (wholeRecords, wholePet, whole) = RunToEnd(model, wholeRun, resume: false);
        Assert.Equal(20, whole.Replayed);
        Assert.Equal(48, whole.Offered);

        string crashed = fixture.RunDirectory("replay-method-crashed");
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options, crashed))
        {
            learner.Plugins.Add(new CrashInBatch(CrashBatch + 1));
            Assert.Throws<SimulatedCrash>(() => learner.Run(data));
        }

        var (resumedRecords, resumedPet, resumed) = RunToEnd(model, crashed, resume: true);
        Assert.Equal(wholePet, resumedPet);
        Assert.Equal(wholeRecords, resumedRecords);
        Assert.Equal((whole.Replayed, whole.Offered), (resumed.Replayed, resumed.Offered));
        Assert.Equal(whole.Memory, resumed.Memory);
        Assert.Equal(whole.Memory.Select(m => File.ReadAllBytes(whole.PathOf(m.File))), resumed.Memory.Select(m => File.ReadAllBytes(resumed.PathOf(m.File))));
        Assert.Equal(
            Directory.GetFiles(Path.Combine(wholeRun, ReplayMemory.FolderName)).Select(Path.GetFileName).Order(),
            Directory.GetFiles(Path.Combine(crashed, ReplayMemory.FolderName)).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void ResumingWithoutTheMethodIsRefused()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        string run = fixture.RunDirectory("replay-method-changed");
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options, run))
        {
            learner.Plugins.Add(new CrashInBatch(3));
            Assert.Throws<SimulatedCrash>(() => learner.Run(data));
        }

        using var other = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options with { Methods = [] }, run);
        var error = Assert.Throws<InvalidDataException>(() => other.Resume());
        Assert.Contains("learner_config.methods", error.Message, StringComparison.Ordinal);
    }

    private (double[] Records, float[] Pet, ReplayMemory Replay) RunToEnd(ClipModelRuntime model, string run, bool resume)
    {
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options, run);
        if (resume)
        {
            Assert.Contains($"step {CrashBatch}", learner.Resume(), StringComparison.Ordinal);
        }

        var records = learner.Run(data).Records.Select(r => r.Accuracy).ToArray();
        return (records, model.Layout.Tensors.SelectMany(t => learner.Pet[t.Name]).ToArray(), learner.Methods.OfType<ReplayMemory>().Single());
    }

    /// <summary>Records each batch's planned samples as the steps see them (user plugins run after PlanBatch of every plugin).</summary>
    private sealed class PlanRecorder : LearnerPlugin
    {
        public List<List<(string Label, float[] Pixels)>> Stream { get; } = [];

        public List<List<(string Label, float[] Pixels)>> Replayed { get; } = [];

        public List<LossKind?> Losses { get; } = [];

        public override void BeforeBatch(LearnerContext context)
        {
            var plan = context.Plan!.Samples;
            Stream.Add([.. plan.Where(s => s.FromStream).Select(s => (s.Label, (float[])s.Pixels.Clone()))]);
            Replayed.Add([.. plan.Where(s => !s.FromStream).Select(s => (s.Label, (float[])s.Pixels.Clone()))]);
            Losses.Add(context.BatchLoss);
        }
    }

    private sealed class PixelsComparer : IEqualityComparer<float[]>
    {
        public bool Equals(float[]? x, float[]? y) => x!.SequenceEqual(y!);

        public int GetHashCode(float[] obj) => obj.Length;
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
