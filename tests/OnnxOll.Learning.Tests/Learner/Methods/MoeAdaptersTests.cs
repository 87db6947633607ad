using System.Text.Json.Nodes;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner.Methods;

/// <summary><c>--method moe</c>: its spec and the PET method it adds, a tiny model whose loss falls and whose routers move while
/// it learns a synthetic stream, and a run with DDAS beside it killed mid-stream that resumes bit for bit. The experts' and
/// routers' gradients are checked against central differences in the Clip tests (<c>TrainingGradientTests</c>).</summary>
public sealed class MoeAdaptersTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    private const string Data = "synthetic:colours=4,shapes=2,textures=1,train=8,test=2,seed=5";
    private const int CrashBatch = 4;
    private static readonly MethodSpec Moe = MethodSpec.Parse("moe:experts=4,topk=2,bottleneck=8,dropout=0");

    private static readonly LearnerOptions Options = new()
    {
        BatchSize = 8,
        LearningRate = 1e-2f,
        EvalEvery = 16,
        CheckpointEvery = 1,
        KeepCheckpoints = 100,
        Methods = [Moe],
    };

    [Fact]
    public void SpecFillsDefaultsAddsItsExpertsToThePetSpecOnceAndRefusesBadValues()
    {
        Assert.Equal("moe:experts=4,topk=2,bottleneck=64,scale=0.1,dropout=0.1,route=mean,towers=image,layers=all", MethodSpec.Parse("moe").ToString());
        var pet = MethodCatalog.WithPet(PetSpec.Parse("lora:r=2,towers=image"), [MethodSpec.Parse("moe:experts=3,topk=1,route=cls,layers=0+1")]);
        Assert.Equal("lora:r=2,alpha=1,towers=image,layers=all,targets=q+v,init=zero;moe:experts=3,topk=1,dim=64,scale=0.1,dropout=0.1,route=cls,towers=image,layers=0,1",
            pet.ToString());
        Assert.Equal(pet.ToString(), PetSpec.Parse(pet.ToString()).ToString());
        Assert.Equal(pet.ToString(), MethodCatalog.WithPet(pet, [MethodSpec.Parse("moe:experts=3,topk=1,route=cls,layers=0+1")]).ToString());
        Assert.Contains("topk=5 is more than experts=4", Assert.Throws<ArgumentException>(() => MethodSpec.Parse("moe:topk=5")).Message, StringComparison.Ordinal);
        Assert.Contains("route=token is not one of cls, mean", Assert.Throws<ArgumentException>(() => MethodSpec.Parse("moe:route=token")).Message, StringComparison.Ordinal);
        Assert.Contains("topk=3 is not valid, expected at most experts=2", Assert.Throws<FormatException>(() => PetSpec.Parse("moe:experts=2,topk=3")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALearnerWhoseModelLacksTheExpertsIsRefused()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse("lora:r=2,towers=image"));
        var error = Assert.Throws<ArgumentException>(() => new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options, fixture.RunDirectory("moe-refused")));
        Assert.Contains("MethodCatalog.WithPet", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLossFallsAndTheRoutersLearn()
    {
        // Four colours of one shape (chance 25 %), as OnlineLearnerTests learns it with LoRA.
        MethodSpec[] methods = [MethodSpec.Parse("moe:experts=4,topk=2,bottleneck=8,dropout=0")];
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, MethodCatalog.WithPet(PetSpec.None, methods));
        var routers = model.Layout.Tensors.Where(t => t.Name.EndsWith(".moe.router.weight", StringComparison.Ordinal)).Select(t => t.Name).ToArray();
        var losses = new StepLossPlugin();
        string run = fixture.RunDirectory("moe-learns");
        using var data = DataSources.Open("synthetic:colours=4,shapes=1,textures=1,train=80,test=10,seed=5");
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), new LearnerOptions
        {
            BatchSize = 16,
            Iterations = 3,
            LearningRate = 1e-2f,
            EvalEvery = 160,
            CheckpointEvery = 0,
            Methods = methods,
        }, run);
        var initial = routers.ToDictionary(r => r, r => (float[])learner.Pet[r].Clone());
        learner.Plugins.Add(losses);
        var result = learner.Run(data);

        var firstSteps = losses.Batches.Select(b => b.Losses[0]).ToArray();
        Assert.True(firstSteps[^5..].Average() < firstSteps[..5].Average() - 0.2, $"losses: {string.Join(" | ", losses.Batches.Select(b => string.Join(",", b.Losses.Select(l => l.ToString("F3")))))}");
        Assert.True(result.Summary.ALast > 0.6, $"A_last {result.Summary.ALast:P1} is not well above chance (25 %).");
        Assert.Equal(model.Config.Vision.NumHiddenLayers, routers.Length);
        Assert.All(routers, r => Assert.NotEqual(initial[r], learner.Pet[r]));
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!["methods"]!;
        Assert.Equal(4, summary["moe.experts"]!.GetValue<double>());
        Assert.Equal(model.Layout.Tensors.Sum(t => t.ElementCount), summary["moe.parameters"]!.GetValue<double>());
    }

    [Fact]
    public void AKilledRunWithDdasResumesWithTheSameExpertsAndRecords()
    {
        var options = Options with { Methods = [Moe, MethodSpec.Parse("ddas:hidden=8,samples=32")] };
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, MethodCatalog.WithPet(PetSpec.None, options.Methods));
        var (wholeRecords, wholePet) = RunToEnd(model, fixture.RunDirectory("moe-whole"), options, resume: false);

        string crashed = fixture.RunDirectory("moe-crashed");
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), options, crashed))
        {
            learner.Plugins.Add(new CrashInBatch(CrashBatch + 1));
            Assert.Throws<SimulatedCrash>(() => learner.Run(data));
        }

        var (resumedRecords, resumedPet) = RunToEnd(model, crashed, options, resume: true);
        Assert.Equal(wholePet, resumedPet);
        Assert.Equal(wholeRecords, resumedRecords);
    }

    private static (double[] Records, float[] Pet) RunToEnd(ClipModelRuntime model, string run, LearnerOptions options, bool resume)
    {
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), options, run);
        if (resume)
        {
            Assert.Contains($"step {CrashBatch}", learner.Resume(), StringComparison.Ordinal);
        }

        var records = learner.Run(data).Records.Select(r => r.Accuracy).ToArray();
        return (records, model.Layout.Tensors.SelectMany(t => learner.Pet[t.Name]).ToArray());
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
