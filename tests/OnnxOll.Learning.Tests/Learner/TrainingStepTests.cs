using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>The batch-specialised training session computes the same step as the shape-generic one.</summary>
/// <remarks>Runs alone: its fixture points the process-wide model cache at its own folder.</remarks>
[Collection(TrainingStepTests.Serial)]
public sealed class TrainingStepTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    public const string Serial = "training step (serial)";

    public static TheoryData<string, int> Cases => new()
    {
        { "lora:r=4,alpha=8,towers=image,layers=all,targets=q+v", 4 },
        { "lora:r=4,alpha=8,towers=image,layers=all,targets=q+v", 2 },
        { "lora:r=2,alpha=4,towers=both,layers=all,targets=q+v", 3 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SpecialisedAndGenericSessionsAgree(string spec, int batch)
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(spec));
        var pet = PetParameters.Create(model.Layout, seed: 5);
        var rng = new Random(batch);
        foreach (var t in model.Layout.Tensors)
        {
            var values = pet[t.Name];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)((rng.NextDouble() - 0.5) * 0.1);
            }
        }

        var vocabulary = new ClassVocabulary();
        for (int c = 0; c < 5; c++)
        {
            vocabulary.GetOrAdd($"class {c}");
        }

        using var text = new TextFeatures(model, PromptTemplates.Default);
        text.Extend(vocabulary, pet);
        var v = model.Config.Vision;
        var pixels = new float[batch * v.NumChannels * v.ImageSize * v.ImageSize];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        var visible = new VisibleSet(batch, vocabulary.Count);
        visible.Fill(Enumerable.Range(0, batch).Select(i => (i * 2) % vocabulary.Count).ToArray(), LossKind.Sit, vocabulary.Count);
        var options = new ClipTrainingOptions { Dropout = false };
        var (specialisedLoss, specialised) = Step(new TrainingStep(model, options, batchSize: batch));
        var (genericLoss, generic) = Step(new TrainingStep(model, options, batchSize: batch + 1));

        Assert.Equal(genericLoss, specialisedLoss, 1e-5f);
        foreach (var (name, expected) in generic)
        {
            float scale = Math.Max(1e-6f, expected.Max(Math.Abs));
            float worst = expected.Zip(specialised[name], (a, b) => Math.Abs(a - b)).Max() / scale;
            Assert.True(worst < 1e-4f, $"{name}: max |specialised - generic| / max |generic| = {worst}");
        }

        Assert.Equal(batch, model.OpenTraining(options, batch).InputMetadata[ClipGraphNames.PixelValues].Dimensions[0]);

        (float Loss, Dictionary<string, float[]> Gradients) Step(TrainingStep step)
        {
            using (step)
            {
                var gradients = model.Layout.Tensors.ToDictionary(t => t.Name, t => new float[t.ElementCount], StringComparer.Ordinal);
                float loss = step.Run(pixels, visible, text, pet, gradients);
                Assert.Contains(gradients.Values, g => g.Any(x => x != 0));
                return (loss, gradients);
            }
        }
    }
}
