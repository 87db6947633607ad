using System.Numerics.Tensors;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Text;
using OnnxOll.Learning.Learner;
using OnnxOll.Runtime;

namespace OnnxOll.Serving;

/// <summary>Top-k labels of one image with a PET snapshot, over the model's evaluation graphs (built once; PET tensors are inputs).</summary>
/// <remarks>Uses its own bound runs of the shared sessions, so it never waits for a training step; one prediction at a time.</remarks>
public sealed class Predictor : IDisposable
{
    private readonly object gate = new();
    private readonly ClipModelRuntime model;
    private readonly ClipImagePreprocessor preprocessor;
    private readonly BoundRun run;
    private readonly PetBinding pet;
    private readonly ClassVocabulary labels = new();
    private readonly TextFeatures text;
    private long textVersion = -1;

    /// <summary>Creates a predictor over <paramref name="model"/>'s sessions.</summary>
    public Predictor(ClipModelRuntime model, IReadOnlyList<string> prompts)
    {
        this.model = model;
        preprocessor = new ClipImagePreprocessor(model.Preprocessing);
        text = new TextFeatures(model, new PromptTemplates(prompts));
        run = model.Vision.Bind();
        pet = new PetBinding(model.Vision, run, model.Layout, gradients: false);
    }

    /// <summary>Every candidate with its probability, most likely first.</summary>
    public IReadOnlyList<LabelProbability> Predict(RgbImage image, IReadOnlyList<string> candidates, PetSnapshot snapshot)
    {
        var pixels = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(image, pixels, 0);
        lock (gate)
        {
            if (model.TextHasPet && textVersion != snapshot.Batches)
            {
                text.Refresh(snapshot.Pet);
            }

            textVersion = snapshot.Batches;
            var ids = candidates.Select(labels.GetOrAdd).ToArray();
            text.Extend(labels, snapshot.Pet);
            var v = model.Config.Vision;
            pixels.CopyTo(run.Input(ClipGraphNames.PixelValues, 1, v.NumChannels, v.ImageSize, v.ImageSize).AsSpan<float>());
            var embeds = run.Output(ClipGraphNames.ImageEmbeds, 1, model.Config.ProjectionDim);
            pet.CopyIn(snapshot.Pet);
            run.Run();
            var e = embeds.AsSpan<float>();
            double scale = Math.Exp(model.Frozen.LogitScale);
            var logits = new double[ids.Length];
            for (int i = 0; i < ids.Length; i++)
            {
                logits[i] = scale * TensorPrimitives.Dot(e, text.Row(ids[i]));
            }

            double max = logits.Max();
            var weights = logits.Select(l => Math.Exp(l - max)).ToArray();
            double sum = weights.Sum();
            return candidates.Select((label, i) => new LabelProbability(label, weights[i] / sum)).OrderByDescending(p => p.Probability).ToArray();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        run.Dispose();
        text.Dispose();
    }
}
