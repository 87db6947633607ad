using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Streams.Data;
using OnnxOll.Learning.Learner;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;
using OnnxOll.Learning.Tests.Learner;
using OnnxOll.Learning.Data;

namespace OnnxOll.Learning.Tests.Data;

/// <summary>The validation split is carved from training images only: disjoint from the stream, n per class, and a run that uses it
/// never reads the test split.</summary>
public sealed class ValidationSplitTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    private const string Data = "synthetic:colours=4,shapes=1,textures=1,train=40,test=10,seed=9";

    [Fact]
    public void CarvesTheLastImagesOfEachClassDisjointFromTheStream()
    {
        using var data = DataSources.Open(Data);
        var (stream, validation) = ValidationSplit.Carve(data.Train, 3);

        Assert.Empty(stream.InnerIndices.Intersect(validation.InnerIndices));
        Assert.Equal(Enumerable.Range(0, data.Train.Labels.Count), stream.InnerIndices.Concat(validation.InnerIndices).Order());
        Assert.All(validation.Labels.GroupBy(l => l), g => Assert.Equal(3, g.Count()));
        foreach (var label in data.Train.Labels.Distinct())
        {
            int lastStreamed = stream.InnerIndices.Where(i => data.Train.Labels[i] == label).Max();
            Assert.All(validation.InnerIndices.Where(i => data.Train.Labels[i] == label), i => Assert.True(i > lastStreamed));
        }
    }

    [Fact]
    public void SkipsTheFirstImagesOfEachClass()
    {
        using var data = DataSources.Open(Data);
        var (stream, validation) = ValidationSplit.Carve(data.Train, 5, skipFirst: 10);
        var skipped = data.Train.Labels.Select((l, i) => (l, i)).GroupBy(x => x.l).SelectMany(g => g.Take(10).Select(x => x.i)).ToHashSet();

        Assert.DoesNotContain(stream.InnerIndices.Concat(validation.InnerIndices), skipped.Contains);
        Assert.Equal(data.Train.Labels.Count - skipped.Count, stream.InnerIndices.Count + validation.InnerIndices.Count);
        Assert.All(stream.Labels.GroupBy(l => l), g => Assert.Equal(40 - 10 - 5, g.Count()));
    }

    [Fact]
    public void ARunOnTheValidationSplitNeverReadsTheTestSplit()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse("lora:r=4,alpha=8,towers=image,targets=q+v"));
        using var opened = DataSources.Open(Data);
        var data = new DataSplits(opened.Train, new UnreadableSource(opened.Test!)); // opened owns and disposes both splits
        var options = new LearnerOptions { BatchSize = 16, ValidationPerClass = 5, EvalEvery = 48, CheckpointEvery = 0, HoldoutClasses = 1, PrototypeWeight = 0.5f };
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, fixture.RunDirectory("validation"));

        var result = learner.Run(data);

        Assert.Equal(3 * (40 - 5), result.Summary.SamplesSeen);
        Assert.NotNull(result.Summary.ZeroShotBefore);
        Assert.Contains(result.Records, r => r.Kind == OnnxOll.Learning.Metrics.EvaluationKind.Anytime);
    }

    /// <summary>A test split whose images must never be read.</summary>
    private sealed class UnreadableSource(ILabelledSampleSource inner) : ILabelledSampleSource
    {
        public string Name => inner.Name;

        public IReadOnlyList<string> Labels => inner.Labels;

        public LabelledSample Read(int index) => throw new InvalidOperationException($"test sample {index} was read");

        public void Dispose()
        {
        }
    }
}
