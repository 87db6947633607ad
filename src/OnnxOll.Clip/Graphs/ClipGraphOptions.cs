using OnnxOll.Clip.Pet;

namespace OnnxOll.Clip.Graphs;

/// <summary>How a tower graph is built: precision, PET insertion points and whether the output is L2-normalised.</summary>
public sealed record ClipGraphOptions
{
    /// <summary>Element type of inputs, computation and outputs.</summary>
    public ClipPrecision Precision { get; init; } = ClipPrecision.Float32;

    /// <summary>PET tensors to insert as graph inputs (those of other towers are ignored); null for the base model.</summary>
    public PetLayout? Pet { get; init; }

    /// <summary>True for evaluation graphs: the embeddings are divided by their L2 norm.</summary>
    public bool Normalize { get; init; }
}
