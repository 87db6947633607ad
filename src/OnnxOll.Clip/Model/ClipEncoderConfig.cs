namespace OnnxOll.Clip.Model;

/// <summary>Settings shared by both CLIP towers' transformer encoders (Hugging Face names and defaults).</summary>
public abstract record ClipEncoderConfig
{
    /// <summary>Model width D (<c>hidden_size</c>).</summary>
    public required int HiddenSize { get; init; }

    /// <summary>MLP width (<c>intermediate_size</c>).</summary>
    public required int IntermediateSize { get; init; }

    /// <summary>Number of encoder layers (<c>num_hidden_layers</c>).</summary>
    public required int NumHiddenLayers { get; init; }

    /// <summary>Number of attention heads (<c>num_attention_heads</c>); divides <see cref="HiddenSize"/>.</summary>
    public required int NumAttentionHeads { get; init; }

    /// <summary>MLP activation (<c>hidden_act</c>).</summary>
    public ClipActivation HiddenAct { get; init; } = ClipActivation.QuickGelu;

    /// <summary>LayerNorm epsilon (<c>layer_norm_eps</c>).</summary>
    public double LayerNormEps { get; init; } = 1e-5;

    /// <summary>Width of one attention head, D / heads.</summary>
    public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>The parameter-name prefix of this tower: <c>text_model</c> or <c>vision_model</c>.</summary>
    public abstract string Prefix { get; }

    /// <summary>The Hugging Face name of encoder layer <paramref name="layer"/>, e.g. <c>vision_model.encoder.layers.3</c>.</summary>
    public string LayerName(int layer) => $"{Prefix}.encoder.layers.{layer}";
}
