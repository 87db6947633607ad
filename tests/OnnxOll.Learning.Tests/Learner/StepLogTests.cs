using System.Text.Json.Nodes;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Streams.Data;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Metrics;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>The learner writes one step line per batch trained on to metrics.jsonl, with the values its steps computed.</summary>
public sealed class StepLogTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    // Four colours × 10 images in two disjoint tasks of 20: per task a batch of 16 and one of 4.
    private const string Data = "synthetic:colours=4,shapes=1,textures=1,train=10,test=2,seed=5";
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";

    private static readonly LearnerOptions Options = new()
    {
        BatchSize = 16,
        Iterations = 2,
        LearningRate = 1e-2f,
        EvalEvery = 16,
        CheckpointEvery = 0,
    };

    [Fact]
    public void EveryBatchTrainedOnWritesItsMeanLossGradNormRateAndSoftmaxSize()
    {
        string run = fixture.RunDirectory("steps");
        var plugin = new StepLossPlugin();
        LearnerResult result;
        using (var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet)))
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), Options, run))
        {
            learner.Plugins.Add(plugin);
            result = learner.Run(data);
        }

        string metrics = Path.Combine(run, MetricsLog.RecordsFileName);
        var steps = MetricsLog.ReadSteps(metrics);
        Assert.Equal([1L, 2, 3, 4], steps.Select(s => s.Batch));
        Assert.Equal([16L, 20, 36, 40], steps.Select(s => s.SamplesSeen));
        Assert.Equal([0, 0, 1, 1], steps.Select(s => s.Task));
        Assert.Equal(plugin.Batches.Select(b => Mean(b.Losses)), steps.Select(s => s.Loss));
        Assert.Equal(plugin.Batches.Select(b => b.DistinctLabels), steps.Select(s => s.Classes));
        Assert.All(steps, s => Assert.Equal(Options.LearningRate, s.LearningRate));
        Assert.All(steps, s => Assert.True(s.GradNorm > 0, $"batch {s.Batch}: grad_norm {s.GradNorm}"));
        Assert.Equal(result.Records, MetricsLog.ReadRecords(metrics), (a, b) => (a.SamplesSeen, a.Kind, a.Accuracy) == (b.SamplesSeen, b.Kind, b.Accuracy));
        var first = JsonNode.Parse(File.ReadLines(metrics).First())!.AsObject();
        Assert.Equal(["kind", "batch", "samples_seen", "task", "loss", "grad_norm", "lr", "classes"], first.Select(kv => kv.Key));
        Assert.True(new FileInfo(Path.Combine(run, "loss.png")).Length > 0);
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(run, "loss.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public void GradNormIsTheGlobalNormOfTheGradientsOfTheFirstStep()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var options = Options with { Iterations = 1, EvalEvery = 0 };
        var batches = Batches(model);
        string run = fixture.RunDirectory("grad-norm");
        using (var stream = new ListStream(batches))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, run))
        {
            learner.Run(stream);
        }

        var vocabulary = new ClassVocabulary();
        int[] labels = [.. batches[0].Samples.Select(s => vocabulary.GetOrAdd(s.Label))];
        var pet = PetParameters.Create(model.Layout, options.Seed);
        using var text = new TextFeatures(model, new PromptTemplates(options.Prompts));
        text.Extend(vocabulary, pet);
        var visible = new VisibleSet(labels.Length, vocabulary.Count);
        visible.Fill(labels, LossKind.Sit, vocabulary.Count);
        var gradients = model.Layout.Tensors.ToDictionary(t => t.Name, t => new float[t.ElementCount], StringComparer.Ordinal);
        using (var step = new TrainingStep(model, new ClipTrainingOptions { Dropout = false }, labels.Length))
        {
            step.Run(batches[0].Samples.SelectMany(s => s.Item).ToArray(), visible, text, pet, gradients);
        }

        double norm = Math.Sqrt(gradients.Values.Sum(g => g.Sum(x => (double)x * x)));
        var first = MetricsLog.ReadSteps(Path.Combine(run, MetricsLog.RecordsFileName))[0];
        Assert.True(norm > 0);
        Assert.True(Math.Abs(first.GradNorm - norm) <= 1e-5 * norm, $"grad_norm {first.GradNorm}, independently {norm}");
        Assert.Equal(visible.Count, first.Classes);
    }

    [Fact]
    public void AZeroShotRunWritesEvaluationsButNoStepLineNorLossPlot()
    {
        string run = fixture.RunDirectory("zero-shot");
        using (var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet)))
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options with { ZeroShot = true }, run))
        {
            learner.Run(data);
        }

        string metrics = Path.Combine(run, MetricsLog.RecordsFileName);
        Assert.Empty(MetricsLog.ReadSteps(metrics));
        Assert.NotEmpty(MetricsLog.ReadRecords(metrics));
        Assert.False(File.Exists(Path.Combine(run, "loss.png")));
    }

    private static float Mean(List<float> losses)
    {
        double sum = 0;
        foreach (float loss in losses)
        {
            sum += loss;
        }

        return (float)(sum / losses.Count);
    }

    private static List<SampleBatch<float[]>> Batches(ClipModelRuntime model)
    {
        using var data = DataSources.Open(Data);
        var preparer = new SamplePreparer(model.Preprocessing);
        var scenario = ScenarioSpec.Parse("iid").Build(data.Train.Labels);
        var batches = new List<SampleBatch<float[]>>();
        using var stream = new DatasetStream(data.Train, scenario, preparer.Prepare, new PrefetchOptions { BatchSize = Options.BatchSize }, 0, default);
        while (stream.ReadBatch(default) is { } batch)
        {
            batches.Add(batch);
        }

        return batches;
    }
}
