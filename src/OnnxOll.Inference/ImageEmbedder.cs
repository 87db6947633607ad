using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Runtime;

namespace OnnxOll.Inference;

/// <summary>Image embeddings of preprocessed pixels through a vision graph with the current PET values, in chunks.</summary>
public sealed class ImageEmbedder : IDisposable
{
    /// <summary>Images per run of <see cref="ImageEmbedder(IClipInference)"/>.</summary>
    public const int DefaultChunk = 64;

    private readonly ClipVisionConfig vision;
    private readonly int chunk;
    private readonly BoundRun run;
    private readonly PetBinding pet;

    /// <summary>Binds the evaluation vision graph of <paramref name="model"/> (L2-normalised embeddings).</summary>
    public ImageEmbedder(IClipInference model)
        : this(model.Vision, model.Layout, model.Config, DefaultChunk)
    {
    }

    /// <summary>Binds <paramref name="session"/>, a vision graph of <paramref name="config"/> with the PET inputs of <paramref name="layout"/>,
    /// running at most <paramref name="chunk"/> images at a time.</summary>
    public ImageEmbedder(OnnxSession session, PetLayout layout, ClipConfig config, int chunk)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        vision = config.Vision;
        this.chunk = chunk;
        SampleLength = vision.NumChannels * vision.ImageSize * vision.ImageSize;
        Dimension = config.ProjectionDim;
        run = session.Bind();
        pet = new PetBinding(session, run, layout, gradients: false);
    }

    /// <summary>Floats of one preprocessed image.</summary>
    public int SampleLength { get; }

    /// <summary>Width of an embedding.</summary>
    public int Dimension { get; }

    /// <summary>Embeds <paramref name="count"/> images laid out one after another in <paramref name="pixels"/> into <paramref name="output"/>
    /// (<paramref name="count"/> × <see cref="Dimension"/>).</summary>
    public void Embed(ReadOnlySpan<float> pixels, int count, PetParameters parameters, Span<float> output)
    {
        for (int start = 0; start < count; start += chunk)
        {
            int b = Math.Min(chunk, count - start);
            pixels.Slice(start * SampleLength, b * SampleLength).CopyTo(run.Input(ClipGraphNames.PixelValues, b, vision.NumChannels, vision.ImageSize, vision.ImageSize).AsSpan<float>());
            var embeds = run.Output(ClipGraphNames.ImageEmbeds, b, Dimension);
            pet.CopyIn(parameters);
            run.Run();
            embeds.AsSpan<float>().CopyTo(output.Slice(start * Dimension, b * Dimension));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => run.Dispose();
}
