namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>The linears and LayerNorms of one pre-LN encoder block found in a foreign graph.</summary>
internal sealed record ForeignBlock(
    ForeignLayerNorm LayerNorm1, ForeignLinear Q, ForeignLinear K, ForeignLinear V, ForeignLinear Out,
    ForeignLayerNorm LayerNorm2, ForeignLinear Fc1, ForeignLinear Fc2)
{
    /// <summary>The block's linears with their Hugging Face module names (relative to the layer).</summary>
    public IEnumerable<(string Module, ForeignLinear Linear)> Linears =>
    [
        ("self_attn.q_proj", Q), ("self_attn.k_proj", K), ("self_attn.v_proj", V), ("self_attn.out_proj", Out),
        ("mlp.fc1", Fc1), ("mlp.fc2", Fc2),
    ];
}
