using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;

namespace OnnxOll.Inference;

/// <summary>L2-normalised text features of every class seen so far (prompt templates averaged), and each class's token ids.</summary>
/// <remarks>Without text PET a class's features are computed once, when it first appears; with text PET, <see cref="Refresh"/>
/// recomputes them all from the current PET values (for evaluation).</remarks>
public sealed class TextFeatures : IDisposable
{
    private readonly IClipInference model;
    private readonly PromptTemplates templates;
    private readonly List<float[]> features = [];
    private readonly List<long[]> tokens = [];
    private readonly TextEmbedder embedder;
    private readonly int dim;
    private readonly int length;

    /// <summary>Creates an empty store over the model's evaluation text graph.</summary>
    public TextFeatures(IClipInference model, PromptTemplates templates)
    {
        this.model = model;
        this.templates = templates;
        dim = model.Config.ProjectionDim;
        length = model.Config.Text.MaxPositionEmbeddings;
        embedder = new TextEmbedder(model);
    }

    /// <summary>Number of classes with features.</summary>
    public int Count => features.Count;

    /// <summary>Projection width.</summary>
    public int Dimension => dim;

    /// <summary>Token ids of class <paramref name="classId"/>'s first prompt [context length] (the training graph's text input).</summary>
    public ReadOnlySpan<long> Tokens(int classId) => tokens[classId].AsSpan(0, length);

    /// <summary>The normalised features of class <paramref name="classId"/>.</summary>
    public ReadOnlySpan<float> Row(int classId) => features[classId];

    /// <summary>Adds features for the vocabulary's classes that have none yet.</summary>
    public void Extend(ClassVocabulary vocabulary, PetParameters parameters)
    {
        for (int c = features.Count; c < vocabulary.Count; c++)
        {
            var prompts = templates.Expand(vocabulary.Names[c]);
            var ids = new long[prompts.Count * length];
            model.Tokenizer.EncodeBatch(prompts, length, ids);
            tokens.Add(ids);
            features.Add(new float[dim]);
            Encode(c, parameters);
        }
    }

    /// <summary>Recomputes every class's features from the current PET values (needed only when the text tower has PET).</summary>
    public void Refresh(PetParameters parameters)
    {
        for (int c = 0; c < features.Count; c++)
        {
            Encode(c, parameters);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => embedder.Dispose();

    private void Encode(int classId, PetParameters parameters)
    {
        long[] ids = tokens[classId];
        int prompts = ids.Length / length;
        var embeds = embedder.Embed(ids, prompts, length, parameters);
        var sum = features[classId].AsSpan();
        sum.Clear();
        for (int p = 0; p < prompts; p++)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(sum, embeds.Slice(p * dim, dim), sum);
        }

        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(sum);
        System.Numerics.Tensors.TensorPrimitives.Divide(sum, norm, sum);
    }
}
