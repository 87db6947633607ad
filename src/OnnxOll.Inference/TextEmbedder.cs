using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Runtime;

namespace OnnxOll.Inference;

/// <summary>Text embeddings of token ids through a text graph with the current PET values.</summary>
public sealed class TextEmbedder : IDisposable
{
    private readonly BoundRun run;
    private readonly PetBinding pet;

    /// <summary>Binds the evaluation text graph of <paramref name="model"/> (L2-normalised embeddings).</summary>
    public TextEmbedder(IClipInference model)
        : this(model.Text, model.Layout, model.Config)
    {
    }

    /// <summary>Binds <paramref name="session"/>, a text graph of <paramref name="config"/> with the PET inputs of <paramref name="layout"/>.</summary>
    public TextEmbedder(OnnxSession session, PetLayout layout, ClipConfig config)
    {
        Dimension = config.ProjectionDim;
        run = session.Bind();
        pet = new PetBinding(session, run, layout, gradients: false);
    }

    /// <summary>Width of an embedding.</summary>
    public int Dimension { get; }

    /// <summary>Embeds <paramref name="rows"/> token-id rows of <paramref name="length"/> ids; the embeddings [rows, <see cref="Dimension"/>]
    /// stay valid until the next call.</summary>
    public ReadOnlySpan<float> Embed(ReadOnlySpan<long> ids, int rows, int length, PetParameters parameters)
    {
        ids.CopyTo(run.Input(ClipGraphNames.InputIds, rows, length).AsSpan<long>());
        var output = run.Output(ClipGraphNames.TextEmbeds, rows, Dimension);
        pet.CopyIn(parameters);
        run.Run();
        return output.AsSpan<float>();
    }

    /// <inheritdoc/>
    public void Dispose() => run.Dispose();
}
