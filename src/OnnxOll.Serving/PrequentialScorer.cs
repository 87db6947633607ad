using System.Numerics.Tensors;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Text;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Runtime;

namespace OnnxOll.Serving;

/// <summary>Test-then-train accuracy: each arriving batch is classified among the learned classes before the learner trains on it.</summary>
/// <remarks>Runs on the learner's thread with its own bound run of the model's evaluation graphs.</remarks>
internal sealed class PrequentialScorer : IDisposable
{
    private readonly ClipModelRuntime model;
    private readonly TextFeatures text;
    private readonly BoundRun run;
    private readonly PetBinding pet;

    public PrequentialScorer(ClipModelRuntime model, IReadOnlyList<string> prompts)
    {
        this.model = model;
        text = new TextFeatures(model, new PromptTemplates(prompts));
        run = model.Vision.Bind();
        pet = new PetBinding(model.Vision, run, model.Layout, gradients: false);
    }

    /// <summary>Fraction of the current batch whose label scores highest among all learned classes; null for an empty batch.</summary>
    public double? Score(LearnerContext context)
    {
        var batch = context.Batch!;
        int n = batch.Samples.Count;
        if (n == 0)
        {
            return null;
        }

        if (model.TextHasPet)
        {
            text.Refresh(context.Pet);
        }

        text.Extend(context.State.Vocabulary, context.Pet);
        var v = model.Config.Vision;
        int length = v.NumChannels * v.ImageSize * v.ImageSize;
        var pixels = run.Input(ClipGraphNames.PixelValues, n, v.NumChannels, v.ImageSize, v.ImageSize).AsSpan<float>();
        for (int i = 0; i < n; i++)
        {
            batch.Samples[i].Item.CopyTo(pixels.Slice(i * length, length));
        }

        int dim = model.Config.ProjectionDim;
        var embeds = run.Output(ClipGraphNames.ImageEmbeds, n, dim);
        pet.CopyIn(context.Pet);
        run.Run();
        var e = embeds.AsSpan<float>();
        int correct = 0;
        var labels = context.BatchLabels.Span;
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            float bestScore = float.NegativeInfinity;
            for (int c = 0; c < text.Count; c++)
            {
                float score = TensorPrimitives.Dot(e.Slice(i * dim, dim), text.Row(c));
                if (score > bestScore)
                {
                    bestScore = score;
                    best = c;
                }
            }

            correct += best == labels[i] ? 1 : 0;
        }

        return (double)correct / n;
    }

    public void Dispose()
    {
        run.Dispose();
        text.Dispose();
    }
}
