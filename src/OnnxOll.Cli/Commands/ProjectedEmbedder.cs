using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Runtime;

namespace OnnxOll.Cli.Commands;

/// <summary>Runs the vision and text towers of a model with PET inputs, returning projected embeddings, normalised or not.</summary>
/// <remarks>The graphs are generated once per PET spec into the model's cache folder, next to its weights.bin. Owns its sessions.</remarks>
public sealed class ProjectedEmbedder : IDisposable
{
    private readonly FrozenModel model;
    private readonly SessionSettings settings;
    private readonly bool normalize;
    private OnnxSession? vision;
    private OnnxSession? text;

    /// <summary>Embeds with <paramref name="model"/>'s frozen weights and PET layout; <paramref name="normalize"/> selects L2-normalised outputs.</summary>
    public ProjectedEmbedder(FrozenModel model, SessionSettings settings, bool normalize)
    {
        this.model = model;
        this.settings = settings;
        this.normalize = normalize;
    }

    /// <summary>Image embeddings [B, P] of preprocessed images [B, 3, H, W].</summary>
    public float[] Images(ReadOnlyMemory<float> pixels, int batch, PetParameters pet)
    {
        vision ??= model.OpenGraph(Kind("vision"), () => ClipVisionGraph.Build(model.Frozen, Options), settings);
        using var embedder = new ImageEmbedder(vision, model.Layout, model.Config, chunk: Math.Max(batch, 1));
        var embeds = new float[batch * embedder.Dimension];
        embedder.Embed(pixels.Span, batch, pet, embeds);
        return embeds;
    }

    /// <summary>Text embeddings [C, P] of token ids [C, L].</summary>
    public float[] Texts(ReadOnlyMemory<long> ids, int classes, int length, PetParameters pet)
    {
        text ??= model.OpenGraph(Kind("text"), () => ClipTextGraph.Build(model.Frozen, Options), settings);
        using var embedder = new TextEmbedder(text, model.Layout, model.Config);
        return embedder.Embed(ids.Span, classes, length, pet).ToArray();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        vision?.Dispose();
        text?.Dispose();
    }

    private ClipGraphOptions Options => new() { Pet = model.Layout, Normalize = normalize };

    private string Kind(string tower) => $"{tower}-{(normalize ? "norm" : "raw")}";
}
