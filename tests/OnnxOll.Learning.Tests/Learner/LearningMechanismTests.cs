using System.Numerics.Tensors;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Learner;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>The learner's mechanisms (all-seen term, distillation to the frozen model, learned text offsets): each changes what is
/// learned, resumes bit for bit from a mid-stream checkpoint, and the text offsets' Adam and the teacher match hand computations.</summary>
public sealed class LearningMechanismTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    private const string Data = "synthetic:colours=4,shapes=2,textures=1,train=40,test=10,seed=7";
    private const string Pet = "lora:r=4,alpha=8,towers=both,targets=q+v";
    private static readonly string[] Reference = ["red circle", "blue square", "green triangle"];

    public static TheoryData<string> Mechanisms => ["seen", "distill", "offsets", "all"];

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void MechanismChangesLearningAndResumesBitForBit(string mechanism)
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var plain = new LearnerOptions { BatchSize = 16, LearningRate = 1e-2f, EvalEvery = 32, CheckpointEvery = 1, KeepCheckpoints = 100 };
        var options = plain with
        {
            SeenWeight = mechanism is "seen" or "all" ? 0.5f : 0,
            DistillWeight = mechanism is "distill" or "all" ? 2f : 0,
            DistillClassNames = Reference,
            TextOffsetLearningRate = mechanism is "offsets" or "all" ? 1e-2f : 0,
        };
        string baseline = fixture.RunDirectory($"{mechanism}-plain"), whole = fixture.RunDirectory($"{mechanism}-whole"), resumed = fixture.RunDirectory($"{mechanism}-resumed");
        Run(model, plain, baseline);
        var first = Run(model, options, whole);
        Assert.NotEqual(LatestTensors(baseline, model)[0].Data, LatestTensors(whole, model)[0].Data);

        Directory.CreateDirectory(resumed);
        foreach (var file in Directory.EnumerateFiles(whole, "ckpt-00000003.*"))
        {
            File.Copy(file, Path.Combine(resumed, Path.GetFileName(file)));
        }

        LearnerResult second;
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), options, resumed))
        {
            Assert.Contains("step 3", learner.Resume(), StringComparison.Ordinal);
            second = learner.Run(data);
        }

        Assert.Equal(first.Records.Select(r => r.Accuracy), second.Records.Select(r => r.Accuracy));
        foreach (var (x, y) in LatestTensors(whole, model).Zip(LatestTensors(resumed, model)))
        {
            Assert.Equal(x.Data, y.Data);
        }

        var state = new CheckpointStore(whole).LoadLatest(model.ModelHash, model.Layout.Spec.ToString()).Checkpoint!.State;
        if (options.TextOffsetLearningRate > 0)
        {
            var offsets = state!.Single(t => t.Name == TextOffsets.ValuesName);
            Assert.Equal(new[] { 8, model.Config.ProjectionDim }, offsets.Shape.Select(d => (int)d));
            Assert.Contains(offsets.Data, x => x != 0);
            Assert.Equal(offsets.Data, new CheckpointStore(resumed).LoadLatest(model.ModelHash, model.Layout.Spec.ToString()).Checkpoint!.State!.Single(t => t.Name == TextOffsets.ValuesName).Data);
        }
        else
        {
            Assert.Empty(state ?? []);
        }
    }

    [Fact]
    public void ResumeRefusesACheckpointWithoutTextOffsetsWhenTheRunLearnsThem()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        string run = fixture.RunDirectory("offsets-missing");
        var plain = new LearnerOptions { BatchSize = 16, EvalEvery = 0, CheckpointEvery = 1 };
        Run(model, plain, run);
        using var learning = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), plain with { TextOffsetLearningRate = 1e-2f }, run);
        var error = Assert.Throws<InvalidDataException>(() => learning.Resume());
        Assert.Contains("text_offset_lr", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextOffsetsTakeRowSparseAdamStepsAndRoundTrip()
    {
        var offsets = new TextOffsets(2, learningRate: 0.1f);
        float[] gradient = [0.5f, -2f];
        offsets.Step([3], gradient);
        offsets.Step([3], gradient);

        // Adam with a constant gradient moves each coordinate by lr per step against the gradient's sign (bias-corrected moments).
        Assert.Equal(-0.2f, offsets.Row(3)[0], 5);
        Assert.Equal(0.2f, offsets.Row(3)[1], 5);
        Assert.Equal([0f, 0f], offsets.Row(1).ToArray());

        var normalized = new float[2];
        offsets.Apply(3, [1f, 0f], normalized);
        Assert.Equal(1f, TensorPrimitives.Norm(normalized), 6);
        Assert.Equal(0.8f / MathF.Sqrt((0.8f * 0.8f) + (0.2f * 0.2f)), normalized[0], 5);

        var copy = new TextOffsets(2, learningRate: 0.1f);
        copy.Restore(offsets.ToTensors(), "ckpt.json");
        copy.Step([3], gradient);
        offsets.Step([3], gradient);
        Assert.Equal(offsets.Row(3).ToArray(), copy.Row(3).ToArray());

        var damaged = offsets.ToTensors().Where(t => t.Name != TextOffsets.FirstMomentName).ToArray();
        var error = Assert.Throws<InvalidDataException>(() => copy.Restore(damaged, "ckpt.json"));
        Assert.Contains(TextOffsets.FirstMomentName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TeacherIsTheFrozenModelsSoftmaxOverTheReferenceVocabulary()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var data = DataSources.Open(Data);
        var templates = new PromptTemplates(["a photo of a {}."]);
        using var teacher = new DistillationTeacher(model, Reference, templates, maxBatch: 2);
        var preparer = new SamplePreparer(model.Preprocessing);
        var pixels = preparer.Prepare(data.Train.Read(0)).Concat(preparer.Prepare(data.Train.Read(5))).ToArray();
        var probabilities = new float[2 * Reference.Length];
        teacher.Probabilities(pixels, 2, probabilities);

        var zero = PetParameters.Create(model.Layout, seed: 0);
        using var embedder = new ImageEmbedder(model);
        var images = new float[2 * embedder.Dimension];
        embedder.Embed(pixels, 2, zero, images);
        var vocabulary = new ClassVocabulary();
        Array.ForEach(Reference, name => vocabulary.GetOrAdd(name));
        using var text = new TextFeatures(model, templates);
        text.Extend(vocabulary, zero);
        for (int b = 0; b < 2; b++)
        {
            var logits = Enumerable.Range(0, Reference.Length)
                .Select(r => Math.Exp(model.LogitScale) * TensorPrimitives.Dot(images.AsSpan(b * embedder.Dimension, embedder.Dimension), text.Row(r))).ToArray();
            double max = logits.Max(), sum = logits.Sum(z => Math.Exp(z - max));
            for (int r = 0; r < Reference.Length; r++)
            {
                Assert.Equal(Math.Exp(logits[r] - max) / sum, probabilities[(b * Reference.Length) + r], 5);
            }
        }
    }

    private static LearnerResult Run(ClipModelRuntime model, LearnerOptions options, string run)
    {
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), options, run);
        return learner.Run(data);
    }

    private static IReadOnlyList<NamedTensor> LatestTensors(string run, ClipModelRuntime model) =>
        new CheckpointStore(run).LoadLatest(model.ModelHash, model.Layout.Spec.ToString()).Checkpoint!.Tensors;
}
