using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Metrics;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner;

public sealed class OnlineLearnerTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    // Four colours of one shape: chance is 25 %. Image-tower LoRA on every projection learns it within one pass.
    private const string Data = "synthetic:colours=4,shapes=1,textures=1,train=80,test=10,seed=5";
    private const string Pet = "lora:r=8,alpha=16,towers=image,targets=q+v+o+fc1+fc2";

    private static LearnerOptions Options(LossKind loss) => new()
    {
        BatchSize = 16,
        Iterations = 3,
        LearningRate = 1e-2f,
        Loss = loss,
        EvalEvery = 160,
        CheckpointEvery = 0,
    };

    [Theory]
    [InlineData(LossKind.Sit)]
    [InlineData(LossKind.All)]
    public void LearnsTheGeneratedStreamWellAboveChance(LossKind loss)
    {
        var result = Run(loss, fixture.RunDirectory($"learn-{loss}"));

        Assert.True(result.Completed);
        Assert.Equal(320, result.Summary.SamplesSeen);
        Assert.NotNull(result.Summary.ALast);
        Assert.True(result.Summary.ALast > 0.6, $"A_last {result.Summary.ALast:P1} is not well above chance (25 %).");
        Assert.Contains(result.Records, r => r.Kind == EvaluationKind.Anytime);
    }

    [Fact]
    public void SitAndAllTakeDifferentSteps()
    {
        using var sitModel = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var sit = Learn(sitModel, LossKind.Sit, fixture.RunDirectory("diff-sit"), steps: 2);
        var all = Learn(sitModel, LossKind.All, fixture.RunDirectory("diff-all"), steps: 2);
        string name = sitModel.Layout.Tensors[^1].Name;

        Assert.NotEqual(sit[name], all[name]);
    }

    [Fact]
    public void SameSeedAndStreamGiveBitIdenticalPetTensors()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var a = Learn(model, LossKind.Sit, fixture.RunDirectory("det-a"), steps: 4);
        var b = Learn(model, LossKind.Sit, fixture.RunDirectory("det-b"), steps: 4);

        foreach (var t in model.Layout.Tensors)
        {
            Assert.Equal(a[t.Name], b[t.Name]);
        }
    }

    [Fact]
    public void WritesMetricsSummaryAndPlot()
    {
        string run = fixture.RunDirectory("files");
        Run(LossKind.Sit, run);

        Assert.True(File.Exists(Path.Combine(run, MetricsLog.RecordsFileName)));
        Assert.True(File.Exists(Path.Combine(run, MetricsLog.SummaryFileName)));
        Assert.True(new FileInfo(Path.Combine(run, "accuracy.png")).Length > 0);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(run, "accuracy.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public void ResumeRefusesACheckpointOfAnotherPetSpec()
    {
        string run = fixture.RunDirectory("mismatch");
        using (var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet)))
        {
            Learn(model, LossKind.Sit, run, steps: 1, checkpoint: true);
        }

        using var other = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse("lora:r=4,alpha=4,towers=image,targets=q+v"));
        using var learner = new OnlineLearner(other, ScenarioSpec.Parse("iid"), Options(LossKind.Sit), run);
        var error = Assert.Throws<CheckpointMismatchException>(() => learner.Resume());

        Assert.Contains("targets=q+v", error.Message, StringComparison.Ordinal);
        Assert.Contains("q+v+o+fc1+fc2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeldOutClassesStayOutOfTheStreamAndMeasureZeroShotRetention()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var data = DataSources.Open(Data);
        var options = Options(LossKind.Sit) with { HoldoutClasses = 1 };
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, fixture.RunDirectory("holdout"));

        var result = learner.Run(data);

        Assert.Equal(240, result.Summary.SamplesSeen);
        Assert.NotNull(result.Summary.ZeroShotBefore);
        Assert.NotNull(result.Summary.ZeroShotAfter);
        Assert.All(result.Records, r => Assert.Equal(3, r.PerClassAccuracy.Count));
    }

    [Fact]
    public void NonFiniteStepsAreSkippedCountedAndNeverApplied()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var data = DataSources.Open(Data.Replace("train=80", "train=8", StringComparison.Ordinal));
        var options = Options(LossKind.Sit) with { EvalEvery = 0 };
        string run = fixture.RunDirectory("nan");
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, run);
        string poisoned = model.Layout.Tensors[0].Name;
        learner.Pet[poisoned][0] = float.NaN;
        var before = model.Layout.Tensors.ToDictionary(t => t.Name, t => learner.Pet[t.Name].ToArray());

        var result = learner.Run(data);

        Assert.Equal(2 * options.Iterations, result.SkippedSteps);
        foreach (var t in model.Layout.Tensors)
        {
            Assert.Equal(before[t.Name], learner.Pet[t.Name]);
        }

        Assert.Empty(MetricsLog.ReadSteps(Path.Combine(run, MetricsLog.RecordsFileName)));
    }

    [Fact]
    public void AResumedRunCountsOnlyTheSamplesItTrainsAndRewritesItsMetricsByteForByte()
    {
        string run = fixture.RunDirectory("resume-rate");
        string metrics = Path.Combine(run, MetricsLog.RecordsFileName);
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var options = Options(LossKind.Sit) with { EvalEvery = 48, CheckpointEvery = 1, KeepCheckpoints = 100 };
        var uninterrupted = new ProgressLog();
        using (var data = DataSources.Open(Data))
        using (var first = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, run))
        {
            Assert.Equal(320, first.Run(data, uninterrupted).SamplesTrained);
        }

        byte[] expected = File.ReadAllBytes(metrics);

        var store = new CheckpointStore(run);
        foreach (long step in store.ListSteps().Where(s => s > 5))
        {
            File.Delete(Path.Combine(run, $"ckpt-{step:D8}.json"));
        }

        using (var data = DataSources.Open(Data))
        using (var resumed = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, run))
        {
            resumed.Resume();
            var progress = new ProgressLog();
            var result = resumed.Run(data, progress);

            Assert.Equal(320, result.Summary.SamplesSeen);
            Assert.Equal(320 - (5 * 16), result.SamplesTrained);
            Assert.True(result.SamplesPerSecond > 0);
            Assert.Equal(uninterrupted.Reports[^1], progress.Reports[^1]);
        }

        Assert.Equal(expected, File.ReadAllBytes(metrics));
        Assert.Equal(20, MetricsLog.ReadSteps(metrics).Count);
        Assert.Contains(MetricsLog.ReadRecords(metrics), r => r.Kind == EvaluationKind.Anytime);
    }

    private LearnerResult Run(LossKind loss, string runDirectory)
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options(loss), runDirectory);
        return learner.Run(data);
    }

    private static Dictionary<string, float[]> Learn(ClipModelRuntime model, LossKind loss, string runDirectory, int steps, bool checkpoint = false)
    {
        using var data = DataSources.Open(Data.Replace("train=80", $"train={4 * steps}", StringComparison.Ordinal));
        var options = Options(loss) with { EvalEvery = 0, CheckpointEvery = checkpoint ? 1 : 0 };
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, runDirectory);
        learner.Run(data);
        return model.Layout.Tensors.ToDictionary(t => t.Name, t => learner.Pet[t.Name].ToArray());
    }
}
