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

    /// <summary>Weight λ of the all-seen term: loss = (1-λ)·SIT + λ·(softmax over every visible class). Above 0 the graph takes
    /// <see cref="ClipGraphNames.BatchClassMask"/> and the visible set is every class seen.</summary>
    public double SeenWeight { get; init; }

    /// <summary>Whether the graph takes a learned per-class offset added to the normalised text features (then renormalised)
    /// and returns its gradient.</summary>
    public bool TextOffset { get; init; }

    /// <summary>Scalar terms added to the loss before autodiff (learner plugins contribute them).</summary>
    public IReadOnlyList<TrainingLossTerm> LossTerms { get; init; } = [];

    /// <summary>The part of a session cache key that tells the loss terms apart.</summary>
    public string LossTermsKey => string.Concat(LossTerms.Select(t => "-" + t.Key));
}
