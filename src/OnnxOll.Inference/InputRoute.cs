namespace OnnxOll.Inference;

/// <summary>Which model served an input under an <see cref="IInputRouter"/>.</summary>
public enum InputRoute
{
    /// <summary>The learned PET model.</summary>
    Learned,

    /// <summary>The frozen model (zero-shot CLIP, no PET).</summary>
    Frozen,
}
