using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Runtime;

namespace OnnxOll.Benchmarks;

/// <summary>One model runtime made ready for SIT steps on a synthetic batch, as the libtorch peer's <c>bench</c> sets it up:
/// PET tensors ~ U(-0.03, 0.03) (non-zero, so gradients reach every tensor), seeded pixels, labels from about half the classes.</summary>
/// <remarks>Owns the runtime, the text features and the step.</remarks>
public sealed class StepSetup : IDisposable
{
    private StepSetup(ClipModelRuntime model, PetParameters pet, Dictionary<string, float[]> gradients, TextFeatures text, VisibleSet visible, float[] pixels, TrainingStep step)
    {
        Model = model;
        Pet = pet;
        Gradients = gradients;
        Text = text;
        Visible = visible;
        Pixels = pixels;
        Step = step;
    }

    /// <summary>The model runtime.</summary>
    public ClipModelRuntime Model { get; }

    /// <summary>The PET tensors.</summary>
    public PetParameters Pet { get; }

    /// <summary>The gradient of each PET tensor after <see cref="Run"/>.</summary>
    public Dictionary<string, float[]> Gradients { get; }

    /// <summary>Text features of the classes.</summary>
    public TextFeatures Text { get; }

    /// <summary>The batch's visible classes and targets.</summary>
    public VisibleSet Visible { get; }

    /// <summary>The batch's pixels [B, C, H, W].</summary>
    public float[] Pixels { get; }

    /// <summary>The training step.</summary>
    public TrainingStep Step { get; }

    /// <summary>Opens <paramref name="modelDir"/> with <paramref name="petSpec"/> and prepares a batch of <paramref name="batch"/> images over <paramref name="classes"/> classes.</summary>
    public static StepSetup Create(string modelDir, string petSpec, SessionSettings settings, FrozenPrecision precision, int batch, int classes, int seed = 0)
    {
        var model = ClipModelRuntime.Open(modelDir, PetSpec.Parse(petSpec), settings, precision);
        try
        {
            var pet = PetParameters.Create(model.Layout, seed);
            var rng = new Random(seed);
            foreach (var t in model.Layout.Tensors)
            {
                var data = pet[t.Name];
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (float)((rng.NextDouble() - 0.5) * 0.06);
                }
            }

            var gradients = model.Layout.Tensors.ToDictionary(t => t.Name, t => new float[t.ElementCount], StringComparer.Ordinal);
            var vocabulary = new ClassVocabulary();
            for (int c = 0; c < classes; c++)
            {
                vocabulary.GetOrAdd($"class {c}");
            }

            var text = new TextFeatures(model, PromptTemplates.Default);
            text.Extend(vocabulary, pet);
            var v = model.Config.Vision;
            var pixels = new float[batch * v.NumChannels * v.ImageSize * v.ImageSize];
            for (int i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (float)((rng.NextDouble() * 2) - 1);
            }

            // Labels from about half the classes, each present, as the peer draws them.
            int used = Math.Max(1, (classes / 2) + 1);
            var labels = Enumerable.Range(0, batch).Select(i => i < used ? i : rng.Next(used)).ToArray();
            var visible = new VisibleSet(batch, classes);
            visible.Fill(labels, LossKind.Sit, classes);
            var step = new TrainingStep(model, new ClipTrainingOptions { Dropout = false }, batch);
            return new StepSetup(model, pet, gradients, text, visible, pixels, step);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Runs one forward + backward step; the gradients land in <see cref="Gradients"/>; returns the loss.</summary>
    public float Run() => Step.Run(Pixels, Visible, Text, Pet, Gradients);

    /// <inheritdoc/>
    public void Dispose()
    {
        Step.Dispose();
        Text.Dispose();
        Model.Dispose();
    }
}
