namespace OnnxOll.Clip.Graphs;

/// <summary>How the SIT training graph is built.</summary>
public sealed record ClipTrainingOptions
{
    /// <summary>Element type of inputs, computation and outputs (float64 for finite-difference checks).</summary>
    public ClipPrecision Precision { get; init; } = ClipPrecision.Float32;

    /// <summary>The official code's quirk: cross-entropy applied to softmax probabilities (softmax twice). Off by default.</summary>
    public bool DoubleSoftmax { get; init; }

    /// <summary>Whether adapter dropout is active (turn off for deterministic gradient checks).</summary>
    public bool Dropout { get; init; } = true;
}
