using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>Class-vocabulary learning (<see cref="ClassVocabularyLearning"/>): the momentum rule's numbers, old classes' drift under the
/// all-seen loss, and a bit-exact resume after a crash.</summary>
public sealed class ClassVocabularyLearningTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    // Four colours × two shapes × 6 images = 48 stream samples; two tasks of four classes, three batches of 8 each.
    private const string Data = "synthetic:colours=4,shapes=2,textures=1,train=6,test=2,seed=5";
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";
    private const int CrashBatch = 4;

    private static readonly LearnerOptions Options = new()
    {
        BatchSize = 8,
        LearningRate = 1e-2f,
        Loss = LossKind.All,
        TextOffsetLearningRate = 5e-2f,
        EvalEvery = 16,
        CheckpointEvery = 1,
        KeepCheckpoints = 100,
    };

    [Fact]
    public void BlendMovesTheFractionMomentumOfTheStep()
    {
        float[] previous = [1f, -2f, 0.5f, 0f];
        float[] offset = [3f, -2f, -0.5f, 0.25f];
        ClassVocabularyLearning.Blend(previous, offset, 0.25f);
        Assert.Equal([1.5f, -2f, 0.25f, 0.0625f], offset);

        float[] kept = [3f, 1f, 0f, -1f];
        ClassVocabularyLearning.Blend(previous, kept, 0f);
        Assert.Equal(previous, kept);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassVocabularyLearning(new ClassVocabularyOptions { Momentum = 1.5f }));
    }

    [Fact]
    public void OldClassesKeepTheirOffsetsOrDriftSlowlyWhileNewOnesLearn()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var free = Run(model, "vocabulary-free", null);
        var still = Run(model, "vocabulary-still", new ClassVocabularyOptions());
        var slow = Run(model, "vocabulary-slow", new ClassVocabularyOptions { OldClassMomentum = 0.1f });

        // Classes 0..3 are the first task's; under the all-seen loss the second task's steps range over them too.
        Assert.True(free.OldDrift > 0);
        Assert.Equal(0, still.OldDrift);
        Assert.InRange(slow.OldDrift, float.Epsilon, free.OldDrift / 2);
        Assert.All(new[] { free, still, slow }, r => Assert.True(r.NewClassesLearned));
    }

    [Fact]
    public void ResumesAfterACrashBitForBit()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        var whole = Run(model, "vocabulary-whole", new ClassVocabularyOptions { OldClassMomentum = 0.1f });

        string crashed = fixture.RunDirectory("vocabulary-crashed");
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), Options, crashed))
        {
            learner.Plugins.Add(new ClassVocabularyLearning(new ClassVocabularyOptions { OldClassMomentum = 0.1f }));
            learner.Plugins.Add(new CrashInBatch(CrashBatch + 1));
            Assert.ThrowsAny<InvalidOperationException>(() => learner.Run(data));
        }

        var recorder = new OffsetRecorder();
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), Options, crashed))
        {
            learner.Plugins.Add(new ClassVocabularyLearning(new ClassVocabularyOptions { OldClassMomentum = 0.1f }));
            learner.Plugins.Add(recorder);
            Assert.Contains($"step {CrashBatch}", learner.Resume(), StringComparison.Ordinal);
            Assert.Equal(whole.Records, learner.Run(data).Records.Select(r => r.Accuracy).ToArray());
            Assert.Equal(whole.Pet, model.Layout.Tensors.SelectMany(t => learner.Pet[t.Name]).ToArray());
        }

        Assert.Equal(whole.Final, recorder.Final);
    }

    [Fact]
    public void RefusesARunWithoutTextOffsets()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options with { TextOffsetLearningRate = 0 }, fixture.RunDirectory("vocabulary-none"));
        learner.Plugins.Add(new ClassVocabularyLearning(new ClassVocabularyOptions()));
        var error = Assert.Throws<ArgumentException>(() => learner.Run(data));
        Assert.Contains("--text-offset-lr", error.Message, StringComparison.Ordinal);
    }

    private (float OldDrift, bool NewClassesLearned, float[] Final, double[] Records, float[] Pet) Run(ClipModelRuntime model, string run, ClassVocabularyOptions? vocabulary)
    {
        using var data = DataSources.Open(Data);
        using var learner = new OnlineLearner(model, ScenarioSpec.Parse("disjoint:tasks=2"), Options, fixture.RunDirectory(run));
        if (vocabulary is not null)
        {
            learner.Plugins.Add(new ClassVocabularyLearning(vocabulary));
        }

        var recorder = new OffsetRecorder();
        learner.Plugins.Add(recorder);
        var records = learner.Run(data).Records.Select(r => r.Accuracy).ToArray();
        int dim = model.Config.ProjectionDim;
        float drift = recorder.AfterFirstTask.Select((x, i) => Math.Abs(x - recorder.Final[i])).Max();
        bool learned = recorder.Final.Skip(4 * dim).Any(x => x != 0);
        return (drift, learned, recorder.Final, records, model.Layout.Tensors.SelectMany(t => learner.Pet[t.Name]).ToArray());
    }

    /// <summary>The offsets of the classes seen at the end of the first task, and of every class at the end of the stream.</summary>
    private sealed class OffsetRecorder : LearnerPlugin
    {
        public float[] AfterFirstTask { get; private set; } = [];

        public float[] Final { get; private set; } = [];

        public override void AfterTask(LearnerContext context)
        {
            var rows = Rows(context);
            if (context.Boundary!.NextTask == 1)
            {
                AfterFirstTask = rows;
            }
            else if (context.Boundary.NextTask < 0)
            {
                Final = rows;
            }
        }

        private static float[] Rows(LearnerContext context) =>
            Enumerable.Range(0, context.State.Vocabulary.Count).SelectMany(c => context.TextOffsets!.Row(c).ToArray()).ToArray();
    }

    /// <summary>Stands in for kill -9: thrown inside a gradient step, it skips the final checkpoint and loses every in-memory state.</summary>
    private sealed class CrashInBatch(long batch) : LearnerPlugin
    {
        public override void BeforeStep(LearnerContext context)
        {
            if (context.State.Batches + 1 == batch)
            {
                throw new InvalidOperationException("simulated crash");
            }
        }
    }
}
