using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Runtime;

namespace OnnxOll.Learning.Learner;

/// <summary>L2-normalised image embeddings of preprocessed pixels through the vision tower with the current PET values, in chunks.</summary>
public sealed class ImageEmbedder : IDisposable
{
    private const int Chunk = 64;
    private readonly IClipInference model;
    private readonly BoundRun run;
    private readonly PetBinding pet;

    /// <summary>Binds the evaluation vision graph of <paramref name="model"/>.</summary>
    public ImageEmbedder(IClipInference model)
    {
        this.model = model;
        var v = model.Config.Vision;
        SampleLength = v.NumChannels * v.ImageSize * v.ImageSize;
        Dimension = model.Config.ProjectionDim;
        run = model.Vision.Bind();
        pet = new PetBinding(model.Vision, run, model.Layout, gradients: false);
    }

    /// <summary>Floats of one preprocessed image.</summary>
    public int SampleLength { get; }

    /// <summary>Width of an embedding.</summary>
    public int Dimension { get; }

    /// <summary>Embeds <paramref name="count"/> images laid out one after another in <paramref name="pixels"/> into <paramref name="output"/>
    /// (<paramref name="count"/> × <see cref="Dimension"/>).</summary>
    public void Embed(ReadOnlySpan<float> pixels, int count, PetParameters parameters, Span<float> output)
    {
        var v = model.Config.Vision;
        for (int start = 0; start < count; start += Chunk)
        {
            int b = Math.Min(Chunk, count - start);
            pixels.Slice(start * SampleLength, b * SampleLength).CopyTo(run.Input(ClipGraphNames.PixelValues, b, v.NumChannels, v.ImageSize, v.ImageSize).AsSpan<float>());
            var embeds = run.Output(ClipGraphNames.ImageEmbeds, b, Dimension);
            pet.CopyIn(parameters);
            run.Run();
            embeds.AsSpan<float>().CopyTo(output.Slice(start * Dimension, b * Dimension));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => run.Dispose();
}
