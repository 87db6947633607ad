using Microsoft.ML.OnnxRuntime;
using OnnxOll.Cli.Commands;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Deploy.Export;
using OnnxOll.Deploy.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Onnx.Models;
using OnnxOll.Runtime;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests;

/// <summary><c>predict</c> and <c>export</c> of a run learned with DDAS route as <c>eval</c> does: an image the router sends to the frozen
/// model gets the zero-shot probabilities, and an export carries the router as router.onnx that ONNX Runtime runs to the same decisions.</summary>
[Collection(CliCollection.Name)]
public sealed class DdasRoutingCommandTests(CliFixture fixture)
{
    private const string Data = "synthetic:colours=4,shapes=1,textures=1,train=16,test=6,seed=5";
    private const string Spec = "lora:r=4,alpha=8,towers=both,targets=q+v";

    [Fact]
    public void PredictServesAnImageTheRouterSendsToTheFrozenModelZeroShot()
    {
        string run = LearnDdasRun("ddas-predict-run");
        string image = fixture.PathFor("ddas-predict.bmp");
        Bitmap.WriteRandom(image, 40, 40, seed: 11);
        var source = PetSource.FromRun(run, fixture.ModelDirectory);
        var labels = source.Classes!;
        var prompts = source.Prompts ?? [PromptTemplates.DefaultTemplate];
        var router = DistributionSelector.LoadRouter(run)!;
        var zeroShot = PredictCommand.Predict(fixture.ModelDirectory, PetSource.None, image, labels, prompts, SessionSettings.Default);
        var learned = PredictCommand.Predict(fixture.ModelDirectory, source, image, labels, null, SessionSettings.Default);
        Assert.Null(learned.Route);
        Assert.NotEqual(zeroShot.Labels.Select(p => p.Probability), learned.Labels.Select(p => p.Probability));

        SetThresholds(router, -1); // no autoencoder recognises anything
        var toFrozen = PredictCommand.Predict(fixture.ModelDirectory, source, image, labels, null, SessionSettings.Default, router: router);
        Assert.Equal(InputRoute.Frozen, toFrozen.Route);
        Assert.Equal(Pairs(zeroShot), Pairs(toFrozen));

        SetThresholds(router, float.PositiveInfinity); // every autoencoder accepts everything
        var toLearned = PredictCommand.Predict(fixture.ModelDirectory, source, image, labels, null, SessionSettings.Default, router: router);
        Assert.Equal(InputRoute.Learned, toLearned.Route);
        Assert.Equal(Pairs(learned), Pairs(toLearned));
        Assert.Contains("frozen", PredictCommand.RouteLine(InputRoute.Frozen), StringComparison.Ordinal);
        Assert.Equal(0, CliFixture.Invoke("predict", "--model", fixture.ModelDirectory, "--run", run, "--image", image));
    }

    [Fact]
    public void AnExportOfADdasRunCarriesARouterGraphThatRoutesAsTheRun()
    {
        string run = LearnDdasRun("ddas-export-run");
        string export = fixture.PathFor("ddas-export");
        Assert.Equal(0, CliFixture.Invoke("export", "--model", fixture.ModelDirectory, "--run", run, "--out", export));
        var router = DistributionSelector.LoadRouter(run)!;

        using var exported = ExportedModel.Open(export);
        var routing = exported.Manifest["routing"]!;
        Assert.Equal("ddas", routing["method"]!.GetValue<string>());
        Assert.Equal(router.Autoencoders.Select(a => a.Threshold), routing["thresholds"]!.AsArray().Select(t => t!.GetValue<float>()));
        Assert.Contains("to_frozen", routing["rule"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(router.Autoencoders.Select(a => a.Threshold), exported.Router!.Autoencoders.Select(a => a.Threshold));

        // The frozen model's embeddings of the test images, through the graph in ONNX Runtime and through AutoencoderRouter.
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Spec));
        using var splits = DataSources.Open(Data);
        var test = splits.Test!;
        var preparer = new SamplePreparer(model.Preprocessing);
        int n = test.Labels.Count, dim = model.Config.ProjectionDim, k = router.Autoencoders.Count;
        var pixels = new float[n * preparer.SampleLength];
        for (int i = 0; i < n; i++)
        {
            preparer.Prepare(test.Read(i), pixels, i);
        }

        var embeddings = new float[n * dim];
        using (var classifier = new ClipClassifier(model))
        {
            classifier.Embed(pixels, n, PetParameters.Zero(model.Layout), embeddings);
        }

        using var session = SessionFactory.FromModel(ModelIO.Load(Path.Combine(export, AutoencoderRouterGraph.FileName)));
        using var input = OrtValue.CreateTensorValueFromMemory(embeddings, [n, dim]);
        using var outputs = session.Run(new Dictionary<string, OrtValue> { [AutoencoderRouterGraph.Input] = input });
        var names = session.OutputNames.ToList();
        var errors = outputs[names.IndexOf(AutoencoderRouterGraph.Errors)].GetTensorDataAsSpan<float>().ToArray();
        var toFrozen = outputs[names.IndexOf(AutoencoderRouterGraph.ToFrozen)].GetTensorDataAsSpan<bool>().ToArray();
        for (int i = 0; i < n; i++)
        {
            var row = embeddings.AsSpan(i * dim, dim);
            for (int a = 0; a < k; a++)
            {
                Assert.Equal(router.Autoencoders[a].Error(row), errors[i * k + a], 1e-5f);
            }

            Assert.Equal(router.ToFrozen(row), toFrozen[i]);
        }

        // eval of the export routes with router.onnx as eval of the run does with the checkpoint's router.
        var fromRun = EvalCommand.Evaluate(fixture.ModelDirectory, run, Data, 0, SessionSettings.Default);
        var fromExport = EvalCommand.Evaluate(exported, exported.Pet, exported.Prompts, Data, 0, export, export, router: exported.Router);
        Assert.Equal(fromRun.Accuracy, fromExport.Accuracy, 1e-12);
        Assert.Equal(n, exported.Router.Calls);
        Assert.Equal(toFrozen.Count(t => t), exported.Router.SentToFrozen);
        Assert.True(File.Exists(Path.Combine(export, RouterExport.FrozenClassEmbeddingsFileName)));
    }

    private string LearnDdasRun(string name)
    {
        string run = Path.GetDirectoryName(fixture.PathFor(name + "/x"))!;
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Spec));
        using var selector = new DistributionSelector(model, new DdasOptions { HiddenDims = 4, ThresholdSamples = 16, Seed = 3 });
        using var splits = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), new LearnerOptions { BatchSize = 16, Iterations = 2, LearningRate = 1e-2f, EvalEvery = 0 }, run);
        learner.Plugins.Add(selector);
        learner.Run(splits);
        return run;
    }

    private static void SetThresholds(AutoencoderRouter router, float threshold)
    {
        foreach (var autoencoder in router.Autoencoders)
        {
            autoencoder.Threshold = threshold;
        }
    }

    private static IEnumerable<(string, double)> Pairs(RoutedPrediction prediction) => prediction.Labels.Select(p => (p.Label, p.Probability));
}
