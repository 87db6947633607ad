using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Text;
using OnnxOll.Runtime;

namespace OnnxOll.Pretraining;

/// <summary>Zero-shot accuracy of the weights being trained: normalised image embeddings against the normalised text embeddings of one
/// prompt per class, on evaluation graphs whose weights are inputs (no model folder is written).</summary>
public sealed class ZeroShotProbe : IDisposable
{
    private const int Chunk = 250;
    private readonly ClipParameterSet parameters;
    private readonly OnnxSession vision, text;

    /// <summary>Opens the vision and text evaluation sessions of <paramref name="parameters"/>' layout.</summary>
    public ZeroShotProbe(ClipParameterSet parameters, SessionSettings settings)
    {
        this.parameters = parameters;
        var options = new ClipGraphOptions { Normalize = true };
        vision = SessionFactory.FromModel(ClipVisionGraph.Build(parameters.Layout, options), settings);
        try
        {
            text = SessionFactory.FromModel(ClipTextGraph.Build(parameters.Layout, options), settings);
        }
        catch
        {
            vision.Dispose();
            throw;
        }
    }

    /// <summary>Fraction of <paramref name="images"/> whose nearest class prompt (<paramref name="template"/>) is their own class.</summary>
    public double Accuracy(DecodedImageSet images, ClipTokenizer tokenizer, string template, ClipImagePreprocessor preprocessor)
    {
        if (images.Count == 0)
        {
            return double.NaN;
        }

        int length = parameters.Layout.Config.Text.MaxPositionEmbeddings, dim = parameters.Layout.Config.ProjectionDim;
        var prompts = images.Classes.Select(c => new PromptTemplates([template]).Expand(c)[0]).ToArray();
        float[] classEmbeds;
        using (var run = text.Bind())
        {
            tokenizer.EncodeBatch(prompts, length, run.Input(ClipGraphNames.InputIds, prompts.Length, length).AsSpan<long>());
            var output = run.Output(ClipGraphNames.TextEmbeds, prompts.Length, dim);
            BindWeights(text, run);
            run.Run();
            classEmbeds = output.AsSpan<float>().ToArray();
        }

        int correct = 0;
        using (var run = vision.Bind())
        {
            for (int start = 0; start < images.Count; start += Chunk)
            {
                int n = Math.Min(Chunk, images.Count - start);
                var pixels = run.Input(ClipGraphNames.PixelValues, n, 3, preprocessor.ImageSize, preprocessor.ImageSize).AsSpan<float>();
                for (int i = 0; i < n; i++)
                {
                    var image = images.Images[start + i];
                    preprocessor.Preprocess(image.Pixels, image.Width, image.Height, image.Channels, pixels, i);
                }

                var output = run.Output(ClipGraphNames.ImageEmbeds, n, dim);
                BindWeights(vision, run);
                run.Run();
                correct += CountCorrect(output.AsSpan<float>(), classEmbeds, images.Labels.AsSpan(start, n), dim);
            }
        }

        return (double)correct / images.Count;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        vision.Dispose();
        text.Dispose();
    }

    private void BindWeights(OnnxSession session, BoundRun run)
    {
        var inputs = session.InputNames.ToHashSet(StringComparer.Ordinal);
        foreach (var (p, i) in parameters.Layout.Parameters.Select((p, i) => (p, i)))
        {
            if (inputs.Contains(p.StoredName))
            {
                parameters.Values[i].CopyTo(run.Input(p.StoredName, p.StoredShape).AsSpan<float>());
            }
        }
    }

    private static int CountCorrect(ReadOnlySpan<float> imageEmbeds, float[] classEmbeds, ReadOnlySpan<int> labels, int dim)
    {
        int classes = classEmbeds.Length / dim, correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = imageEmbeds.Slice(i * dim, dim);
            int best = 0;
            float bestScore = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                float score = System.Numerics.Tensors.TensorPrimitives.Dot(row, classEmbeds.AsSpan(c * dim, dim));
                if (score > bestScore)
                {
                    (best, bestScore) = (c, score);
                }
            }

            correct += best == labels[i] ? 1 : 0;
        }

        return correct;
    }
}
