using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Streams.Data;
using OnnxOll.Learning.Learner;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner;

public sealed class LearnerPluginTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    // Four colours × 8 images = two batches of 16.
    private const string Data = "synthetic:colours=4,shapes=1,textures=1,train=8,test=2,seed=5";
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";

    private static readonly LearnerOptions Options = new()
    {
        BatchSize = 16,
        Iterations = 2,
        LearningRate = 1e-2f,
        EvalEvery = 16,
        CheckpointEvery = 1,
    };

    [Fact]
    public void EveryHookFiresInOrder()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options, fixture.RunDirectory("hooks"));
        var plugin = new RecordingPlugin();
        learner.Plugins.Add(plugin);

        learner.Run(data);

        string[] batch =
        [
            "PlanBatch", "BeforeBatch", "BeforeStep", "AfterBackward", "AfterStep", "BeforeStep", "AfterBackward", "AfterStep", "AfterBatch",
            "BeforeEvaluation", "AfterEvaluation", "BeforeCheckpoint", "AfterCheckpoint",
        ];
        string[] expected =
        [
            "BeforeRun", "BeforeTask", .. batch, .. batch,
            "AfterTask", "BeforeEvaluation", "AfterEvaluation", // task end
            "AfterStream", "BeforeEvaluation", "AfterEvaluation", // final
            "BeforeCheckpoint", "AfterCheckpoint", "AfterRun",
        ];
        Assert.Equal(expected, plugin.Hooks);
        Assert.Equal((0L, 0L), (plugin.Seen[0].Cursor, plugin.Seen[0].Samples));
        Assert.Equal([16L, 32L], plugin.Seen.Where(s => s.Hook == "AfterBatch").Select(s => s.Samples));
        Assert.Equal([16L, 32L, 32L], plugin.Seen.Where(s => s.Hook == "AfterCheckpoint").Select(s => s.Cursor));
    }

    [Fact]
    public void ALiveStreamRunsTheSameLoopAsTheDatasetAndHearsEveryCheckpoint()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var options = Options with { EvalEvery = 0 };
        using var data = DataSources.Open(Data);
        using var viaDataset = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, fixture.RunDirectory("dataset"));
        viaDataset.Run(data);

        var preparer = new SamplePreparer(model.Preprocessing);
        var scenario = ScenarioSpec.Parse("iid").Build(data.Train.Labels);
        var batches = new List<SampleBatch<float[]>>();
        using (var dataset = new DatasetStream(data.Train, scenario, preparer.Prepare, new PrefetchOptions { BatchSize = 16 }, 0, default))
        {
            while (dataset.ReadBatch(default) is { } b)
            {
                batches.Add(b);
            }
        }

        using var stream = new ListStream(batches);
        using var viaStream = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, fixture.RunDirectory("stream"));
        var result = viaStream.Run(stream);

        Assert.True(result.Completed);
        Assert.Equal(32, result.Summary.SamplesSeen);
        Assert.Equal([16L, 32L, 32L], stream.Commits);
        Assert.Equal(32, viaStream.Cursor);
        foreach (var t in model.Layout.Tensors)
        {
            Assert.Equal(viaDataset.Pet[t.Name], viaStream.Pet[t.Name]);
        }
    }
}
