namespace OnnxOll.Clip.Model;

/// <summary>The text tower's settings (Hugging Face CLIPTextConfig).</summary>
public sealed record ClipTextConfig : ClipEncoderConfig
{
    /// <summary>Token vocabulary size (<c>vocab_size</c>).</summary>
    public required int VocabSize { get; init; }

    /// <summary>Longest token sequence (<c>max_position_embeddings</c>).</summary>
    public required int MaxPositionEmbeddings { get; init; }

    /// <summary>The end-of-text id (<c>eos_token_id</c>), or null when the config does not name one.</summary>
    public long? EosTokenId { get; init; }

    /// <summary>True when pooling takes the argmax of the ids (eos_token_id absent or 2, as older HF configs).</summary>
    public bool UsesLegacyEosPooling => EosTokenId is null or 2;

    /// <inheritdoc/>
    public override string Prefix => "text_model";
}
