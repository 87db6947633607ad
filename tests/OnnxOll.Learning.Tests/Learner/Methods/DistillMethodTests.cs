using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner.Methods;

/// <summary><c>--method distill:weight=W,classes=FILE</c> is the method <c>--distill W --distill-classes FILE</c> runs: the same PET
/// tensors bit for bit; giving both is refused.</summary>
public sealed class DistillMethodTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    private const string Data = "synthetic:colours=4,shapes=2,textures=1,train=6,test=2,seed=5";
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";
    private static readonly string[] Reference = ["red circle", "blue square", "green triangle"];

    [Fact]
    public void TheMethodLearnsWhatTheOptionsLearn()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        string classes = Path.Combine(fixture.Root, "distill-reference.txt");
        File.WriteAllLines(classes, Reference);
        var plain = new LearnerOptions { BatchSize = 8, LearningRate = 1e-2f, EvalEvery = 0, CheckpointEvery = 0 };
        var byOptions = Learn(model, plain with { DistillWeight = 2f, DistillClassNames = Reference }, "distill-options");
        var byMethod = Learn(model, plain with { Methods = [MethodSpec.Parse($"distill:weight=2,classes={classes}")] }, "distill-method");
        var without = Learn(model, plain, "distill-none");

        Assert.Equal(byOptions, byMethod);
        Assert.NotEqual(without, byMethod);
        var both = plain with { DistillWeight = 2f, DistillClassNames = Reference, Methods = [MethodSpec.Parse($"distill:classes={classes}")] };
        var error = Assert.Throws<ArgumentException>(() => new OnlineLearner(model, ScenarioSpec.Parse("iid"), both, fixture.RunDirectory("distill-both")));
        Assert.Contains("--method distill and --distill name the same method", error.Message, StringComparison.Ordinal);
    }

    private float[] Learn(ClipModelRuntime model, LearnerOptions options, string run)
    {
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, fixture.RunDirectory(run));
        learner.Run(data);
        return [.. model.Layout.Tensors.SelectMany(t => learner.Pet[t.Name])];
    }
}
