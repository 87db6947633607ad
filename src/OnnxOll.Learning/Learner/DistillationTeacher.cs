using System.Numerics.Tensors;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;

namespace OnnxOll.Learning.Learner;

/// <summary>The frozen model's image-to-text distribution over a reference vocabulary (ZSCL-style distillation): the targets the
/// training graph's distillation term pulls the learner's distribution toward.</summary>
/// <remarks>The frozen model is the backbone with zero PET tensors (a zero LoRA or adapter is the identity).</remarks>
public sealed class DistillationTeacher : IDisposable
{
    private readonly ImageEmbedder embedder;
    private readonly PetParameters frozen;
    private readonly float scale;
    private readonly float[] embeds;

    /// <summary>Embeds the <paramref name="referenceClasses"/>' prompts with the frozen text tower, for batches of up to <paramref name="maxBatch"/> images.</summary>
    public DistillationTeacher(ClipModelRuntime model, IReadOnlyList<string> referenceClasses, PromptTemplates templates, int maxBatch)
    {
        if (referenceClasses.Count == 0)
        {
            throw new ArgumentException("Distillation needs at least one reference class.", nameof(referenceClasses));
        }

        frozen = PetParameters.Zero(model.Layout);
        var vocabulary = new ClassVocabulary();
        foreach (var name in referenceClasses)
        {
            vocabulary.GetOrAdd(name);
        }

        int dim = model.Config.ProjectionDim;
        Count = vocabulary.Count;
        ReferenceText = new float[Count * dim];
        using (var text = new TextFeatures(model, templates))
        {
            text.Extend(vocabulary, frozen);
            for (int r = 0; r < Count; r++)
            {
                text.Row(r).CopyTo(ReferenceText.AsSpan(r * dim, dim));
            }
        }

        embedder = new ImageEmbedder(model);
        scale = (float)Math.Exp(model.LogitScale);
        embeds = new float[maxBatch * dim];
    }

    /// <summary>Number of reference classes.</summary>
    public int Count { get; }

    /// <summary>The reference classes' normalised frozen text features [R, P].</summary>
    public float[] ReferenceText { get; }

    /// <summary>softmax(exp(logit_scale) · frozen image · reference textᵀ) of <paramref name="count"/> images into <paramref name="probabilities"/> [count, R].</summary>
    public void Probabilities(ReadOnlySpan<float> pixels, int count, Span<float> probabilities)
    {
        int dim = embedder.Dimension;
        embedder.Embed(pixels, count, frozen, embeds);
        for (int b = 0; b < count; b++)
        {
            var row = probabilities.Slice(b * Count, Count);
            var image = embeds.AsSpan(b * dim, dim);
            for (int r = 0; r < Count; r++)
            {
                row[r] = scale * TensorPrimitives.Dot(image, ReferenceText.AsSpan(r * dim, dim));
            }

            TensorPrimitives.SoftMax(row, row);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => embedder.Dispose();
}
