using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner;
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
        var v = model.Config.Vision;
        return Run(vision, ClipGraphNames.ImageEmbeds, batch, pet, run => pixels.Span.CopyTo(run.Input(ClipGraphNames.PixelValues, batch, v.NumChannels, v.ImageSize, v.ImageSize).AsSpan<float>()));
    }

    /// <summary>Text embeddings [C, P] of token ids [C, L].</summary>
    public float[] Texts(ReadOnlyMemory<long> ids, int classes, int length, PetParameters pet)
    {
        text ??= model.OpenGraph(Kind("text"), () => ClipTextGraph.Build(model.Frozen, Options), settings);
        return Run(text, ClipGraphNames.TextEmbeds, classes, pet, run => ids.Span.CopyTo(run.Input(ClipGraphNames.InputIds, classes, length).AsSpan<long>()));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        vision?.Dispose();
        text?.Dispose();
    }

    private ClipGraphOptions Options => new() { Pet = model.Layout, Normalize = normalize };

    private string Kind(string tower) => $"{tower}-{(normalize ? "norm" : "raw")}";

    private float[] Run(OnnxSession session, string output, int rows, PetParameters pet, Action<BoundRun> fill)
    {
        using var run = session.Bind();
        fill(run);
        var embeds = run.Output(output, rows, model.Config.ProjectionDim);
        new PetBinding(session, run, model.Layout, gradients: false).CopyIn(pet);
        run.Run();
        return embeds.AsSpan<float>().ToArray();
    }
}
