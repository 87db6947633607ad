using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Metrics;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;
using OnnxOll.TestSupport;

namespace OnnxOll.Learning.Tests.Learner;

public sealed class RealDataLearnerTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    private const string TestTar = "cifar10_jpg/cifar10_test_jpg.tar";

    // The real CIFAR-10 JPEG tar, read in place, streamed through a disjoint scenario: decoding, preprocessing,
    // new labels joining the vocabulary, task ends and evaluation all run on real files.
    [SharedDataFact(TestTar)]
    public void LearnsAStreamOfRealCifarJpegsReadFromTheTar()
    {
        string tar = SharedData.Find(TestTar)!;
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse("lora:r=4,alpha=8,towers=image,targets=q+v"));
        using var data = DataSources.Open($"tar:train={tar},test={tar}");
        var options = new LearnerOptions { BatchSize = 32, Iterations = 1, LearningRate = 1e-3f, EvalEvery = 5000, EvalPerClass = 20, CheckpointEvery = 0 };
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), options, fixture.RunDirectory("cifar"));

        var result = learner.Run(data);

        Assert.True(result.Completed);
        Assert.Equal(10_000, result.Summary.SamplesSeen);
        Assert.Equal(0, result.SkippedSamples);
        var final = result.Records[^1];
        Assert.Equal(10, final.PerClassAccuracy.Count);
        Assert.Contains("airplane", final.PerClassAccuracy.Keys);
        Assert.Equal(2, result.Records.Count(r => r.Kind == EvaluationKind.TaskEnd));
    }
}
