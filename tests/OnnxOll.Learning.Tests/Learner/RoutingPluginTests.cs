using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>A routing plugin decides per image, at evaluation time, whether the learned PET model or the frozen model serves it.</summary>
public sealed class RoutingPluginTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    private const string Data = "synthetic:colours=4,shapes=2,textures=1,train=6,test=3,seed=9";
    private const string Pet = "lora:r=4,alpha=8,towers=both,targets=q+v";
    private static readonly LearnerOptions Options = new() { BatchSize = 8, LearningRate = 2e-2f, EvalEvery = 16, CheckpointEvery = 0 };

    [Fact]
    public void InputsRoutedToTheFrozenModelScoreAsZeroShotAndEveryImageIsAskedOnce()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var learned = Records(model, "routing-none", Options, null);
        var zeroShot = Records(model, "routing-zero-shot", Options with { ZeroShot = true }, null);
        var toFrozen = new CountingRouter((_, _) => true);
        var allFrozen = Records(model, "routing-all-frozen", Options, toFrozen);
        var toLearned = new CountingRouter((_, _) => false);
        var allLearned = Records(model, "routing-all-learned", Options, toLearned);
        var half = new CountingRouter((call, embedding) => call % 2 == 0 && embedding.Length > 0);
        var mixed = Records(model, "routing-mixed", Options, half);

        Assert.NotEqual(zeroShot.Accuracies, learned.Accuracies);
        Assert.Equal(zeroShot.Accuracies, allFrozen.Accuracies);
        Assert.Equal(learned.Accuracies, allLearned.Accuracies);
        Assert.Equal(learned.Images, toFrozen.Calls);
        Assert.Equal(learned.Images, half.Calls);
        Assert.InRange(half.Frozen, 1, half.Calls - 1);
        Assert.Equal(learned.Accuracies.Length, mixed.Accuracies.Length);
    }

    private (double[] Accuracies, int Images) Records(ClipModelRuntime model, string run, LearnerOptions options, IInputRouter? router)
    {
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, fixture.RunDirectory(run));
        if (router is not null)
        {
            learner.Plugins.Add(new RoutingPlugin(router));
        }

        var records = learner.Run(data).Records;

        // Each evaluation scores every test image of the classes seen so far: 3 per class.
        return (records.Select(r => r.Accuracy).ToArray(), records.Sum(r => 3 * r.PerClassAccuracy.Count));
    }

    private sealed class RoutingPlugin(IInputRouter router) : LearnerPlugin
    {
        public override IInputRouter? Router(LearnerContext context) => router;
    }

    private sealed class CountingRouter(Func<int, float[], bool> rule) : IInputRouter
    {
        public int Calls { get; private set; }

        public int Frozen { get; private set; }

        public bool ToFrozen(ReadOnlySpan<float> frozenEmbedding)
        {
            bool frozen = rule(Calls++, frozenEmbedding.ToArray());
            Frozen += frozen ? 1 : 0;
            return frozen;
        }
    }
}
