using OnnxOll.Cli.Commands;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Metrics;
using OnnxOll.Runtime;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Cli.Tests;

/// <summary><c>eval</c> of a run learned with DDAS routes each image as the learner's final evaluation did and reports the routing.</summary>
[Collection(CliCollection.Name)]
public sealed class DdasEvalTests(CliFixture fixture)
{
    [Fact]
    public void EvalOfADdasRunRoutesAsTheLearnersFinalEvaluation()
    {
        const string data = "synthetic:colours=4,shapes=1,textures=1,train=16,test=6,seed=5";
        string run = Path.GetDirectoryName(fixture.PathFor("ddas-eval-run/x"))!;
        LearnerResult learned;
        AutoencoderRouter router;
        using (var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse("lora:r=4,alpha=8,towers=image,targets=q+v")))
        using (var selector = new DistributionSelector(model, new DdasOptions { HiddenDims = 4, ThresholdSamples = 16, Seed = 3 }))
        using (var splits = DataSources.Open(data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), new LearnerOptions { BatchSize = 16, Iterations = 2, LearningRate = 1e-2f, EvalEvery = 0 }, run))
        {
            learner.Plugins.Add(selector);
            learned = learner.Run(splits);
            router = DistributionSelector.LoadRouter(run)!;
            Assert.Equal(selector.Autoencoders.Select(a => a.Threshold), router.Autoencoders.Select(a => a.Threshold));
        }

        var result = EvalCommand.Evaluate(fixture.ModelDirectory, run, data, 0, SessionSettings.Default);

        var final = learned.Records.Single(r => r.Kind == EvaluationKind.Final);
        Assert.Equal(final.Accuracy, result.Accuracy, 1e-12);
        var ddas = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(run, EvalCommand.ReportFileName)))!["ddas"]!;
        Assert.Equal(1, ddas["autoencoders"]!.GetValue<int>());
        Assert.Equal(24, ddas["images"]!.GetValue<int>());
        Assert.InRange(ddas["to_frozen"]!.GetValue<int>(), 0, 24);
    }

    [Fact]
    public void ARunWithoutDdasHasNoRouter()
    {
        const string data = "synthetic:colours=2,shapes=1,textures=1,train=8,test=2,seed=5";
        string run = Path.GetDirectoryName(fixture.PathFor("no-ddas-run/x"))!;
        using (var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse("lora:r=4,alpha=8,towers=image,targets=q+v")))
        using (var splits = DataSources.Open(data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), new LearnerOptions { BatchSize = 16, Iterations = 1, EvalEvery = 0 }, run))
        {
            learner.Run(splits);
        }

        Assert.Null(DistributionSelector.LoadRouter(run));
        Assert.Null(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!["methods"]);
        EvalCommand.Evaluate(fixture.ModelDirectory, run, data, 0, SessionSettings.Default);
        Assert.Null(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(run, EvalCommand.ReportFileName)))!["ddas"]);
    }
}
