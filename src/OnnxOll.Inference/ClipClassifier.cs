using System.Numerics.Tensors;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;

namespace OnnxOll.Inference;

/// <summary>Classifies images with a CLIP model (a model folder or an export) and its PET values: embeds them through the vision tower
/// with PET and scores them against class text features. Every prediction, accuracy and probability goes through it.</summary>
/// <param name="model">The model; its evaluation vision graph is bound once, so one classifier serves one thread.</param>
public sealed class ClipClassifier(IClipInference model) : IDisposable
{
    private readonly ImageEmbedder embedder = new(model);
    private PetParameters? frozen;
    private float[] learned = [];

    /// <summary>Routes each image to the learned or the frozen model in <see cref="EmbedRouted"/> (null: every image is the learned model's).</summary>
    public IInputRouter? Router { get; set; }

    /// <summary>Floats of one preprocessed image.</summary>
    public int SampleLength => embedder.SampleLength;

    /// <summary>Width of an embedding.</summary>
    public int Dimension => embedder.Dimension;

    /// <summary>L2-normalised embeddings of <paramref name="count"/> preprocessed images into <paramref name="output"/> (count × <see cref="Dimension"/>).</summary>
    public void Embed(ReadOnlySpan<float> pixels, int count, PetParameters pet, Span<float> output) => embedder.Embed(pixels, count, pet, output);

    /// <summary>Like <see cref="Embed(ReadOnlySpan{float}, int, PetParameters, Span{float})"/>, with the <see cref="Router"/> choosing per image:
    /// an image sent to the frozen model gets its embedding without PET and <paramref name="toFrozen"/>[i] set, so it is scored
    /// against the frozen model's class features.</summary>
    public void EmbedRouted(ReadOnlySpan<float> pixels, int count, PetParameters pet, Span<float> output, Span<bool> toFrozen)
    {
        toFrozen[..count].Clear();
        if (Router is null)
        {
            embedder.Embed(pixels, count, pet, output);
            return;
        }

        int dim = Dimension;
        frozen ??= PetParameters.Zero(model.Layout);
        embedder.Embed(pixels, count, frozen, output);
        for (int i = 0; i < count; i++)
        {
            toFrozen[i] = Router.ToFrozen(output.Slice(i * dim, dim));
        }

        if (toFrozen[..count].Contains(false))
        {
            if (learned.Length < count * dim)
            {
                learned = new float[count * dim];
            }

            embedder.Embed(pixels, count, pet, learned);
            for (int i = 0; i < count; i++)
            {
                if (!toFrozen[i])
                {
                    learned.AsSpan(i * dim, dim).CopyTo(output.Slice(i * dim, dim));
                }
            }
        }
    }

    /// <summary>One image preprocessed as the model says (<see cref="SampleLength"/> floats).</summary>
    public float[] Preprocess(RgbImage image)
    {
        var pixels = new float[SampleLength];
        new ClipImagePreprocessor(model.Preprocessing).Preprocess(image, pixels, 0);
        return pixels;
    }

    /// <summary>The classes of one preprocessed image with their probabilities, routed by <see cref="Router"/>: <paramref name="classes"/>
    /// gives the class features of the model that serves it (its argument is true for the frozen model).</summary>
    public RoutedPrediction Classify(ReadOnlySpan<float> pixels, PetParameters pet, Func<bool, ClassEmbeddings> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        var embedding = new float[Dimension];
        Span<bool> toFrozen = stackalloc bool[1];
        EmbedRouted(pixels, 1, pet, embedding, toFrozen);
        InputRoute? route = Router is null ? null : toFrozen[0] ? InputRoute.Frozen : InputRoute.Learned;
        return new RoutedPrediction(Probabilities(embedding, classes(toFrozen[0])), route);
    }

    /// <summary>The L2-normalised embedding of one image, preprocessed as the model says.</summary>
    public float[] Embed(RgbImage image, PetParameters pet)
    {
        var pixels = Preprocess(image);
        var embedding = new float[Dimension];
        embedder.Embed(pixels, 1, pet, embedding);
        return embedding;
    }

    /// <summary>The row of <paramref name="classes"/> (rows of the embedding's width) that scores highest against <paramref name="image"/>;
    /// <paramref name="scores"/> receives every row's score (its dot product with the image).</summary>
    public static int Predict(ReadOnlySpan<float> image, ReadOnlySpan<float> classes, Span<float> scores)
    {
        int dim = image.Length;
        for (int c = 0; c < scores.Length; c++)
        {
            scores[c] = TensorPrimitives.Dot(classes.Slice(c * dim, dim), image);
        }

        return TensorPrimitives.IndexOfMax<float>(scores);
    }

    /// <summary>Every class with softmax(exp(logit_scale) · cos) probability, most likely first.</summary>
    public IReadOnlyList<LabelProbability> Probabilities(ReadOnlySpan<float> image, ClassEmbeddings classes)
    {
        double scale = Math.Exp(model.LogitScale);
        var logits = new double[classes.Names.Count];
        for (int c = 0; c < logits.Length; c++)
        {
            logits[c] = scale * TensorPrimitives.Dot(image, classes.Rows.AsSpan(c * classes.Dimension, classes.Dimension));
        }

        double max = logits.Max();
        var weights = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = weights.Sum();
        return classes.Names.Select((name, c) => new LabelProbability(name, weights[c] / sum)).OrderByDescending(p => p.Probability).ToArray();
    }

    /// <summary>The text features of classes <paramref name="classIds"/> of <paramref name="text"/>, named <paramref name="names"/>.</summary>
    public static ClassEmbeddings ClassFeatures(TextFeatures text, IReadOnlyList<int> classIds, IReadOnlyList<string> names)
    {
        int dim = text.Dimension;
        var rows = new float[classIds.Count * dim];
        for (int c = 0; c < classIds.Count; c++)
        {
            text.Row(classIds[c]).CopyTo(rows.AsSpan(c * dim, dim));
        }

        return new ClassEmbeddings(names, rows, dim);
    }

    /// <summary>Text features of <paramref name="labels"/>: the stored rows when every label is stored, else computed with the text graph.</summary>
    public static ClassEmbeddings ClassFeatures(IClipInference model, PetParameters pet, IReadOnlyList<string> labels, IReadOnlyList<string> prompts, ClassEmbeddings? stored = null)
    {
        if (stored is not null && labels.All(l => stored.TryGetRow(l, out _)))
        {
            int dim = model.Config.ProjectionDim;
            var rows = new float[labels.Count * dim];
            for (int c = 0; c < labels.Count; c++)
            {
                stored.TryGetRow(labels[c], out var row);
                row.Span.CopyTo(rows.AsSpan(c * dim, dim));
            }

            return new ClassEmbeddings(labels, rows, dim);
        }

        var vocabulary = new ClassVocabulary();
        foreach (var label in labels)
        {
            vocabulary.GetOrAdd(label);
        }

        using var text = new TextFeatures(model, new PromptTemplates(prompts));
        text.Extend(vocabulary, pet);
        return ClassFeatures(text, Enumerable.Range(0, labels.Count).ToArray(), labels);
    }

    /// <inheritdoc/>
    public void Dispose() => embedder.Dispose();
}
