namespace OnnxOll.Inference;

/// <summary>Chooses, per input, whether the learned PET model or the frozen model (zero-shot CLIP) serves it; a method's
/// distribution selector (e.g. an autoencoder per learned distribution) implements it.</summary>
public interface IInputRouter
{
    /// <summary>True to send the image whose frozen-model embedding is <paramref name="frozenEmbedding"/> to the frozen model.</summary>
    bool ToFrozen(ReadOnlySpan<float> frozenEmbedding);
}
