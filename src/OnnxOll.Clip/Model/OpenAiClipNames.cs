using System.Text.RegularExpressions;

namespace OnnxOll.Clip.Model;

/// <summary>Maps Hugging Face CLIP parameter names to OpenAI / open_clip state-dict names (<c>visual.conv1.weight</c>, ...).</summary>
/// <remarks>Projections are stored [width, embed] there (transposed), and each block's q, k, v are the thirds of one fused
/// <c>attn.in_proj_weight</c> [3·width, width] / <c>in_proj_bias</c>.</remarks>
public static partial class OpenAiClipNames
{
    private static readonly HashSet<string> Ignored = new(StringComparer.Ordinal) { "input_resolution", "context_length", "vocab_size" };

    /// <summary>Where a Hugging Face parameter comes from: the OpenAI-named tensor, transposed or not, and which third of a fused q,k,v.</summary>
    /// <param name="Name">The OpenAI / open_clip tensor name.</param>
    /// <param name="Transposed">The tensor is the transpose of the Hugging Face one.</param>
    /// <param name="Part">-1, or 0/1/2 for the q/k/v rows of a fused in-projection.</param>
    public sealed record Source(string Name, bool Transposed, int Part);

    /// <summary>The OpenAI-named source of Hugging Face parameter <paramref name="hfName"/>.</summary>
    /// <exception cref="ArgumentException">Not a CLIP parameter name.</exception>
    public static Source For(string hfName)
    {
        var m = LayerName().Match(hfName);
        if (m.Success)
        {
            string block = $"{(m.Groups[1].Value == "text" ? "" : "visual.")}transformer.resblocks.{m.Groups[2].Value}";
            string rest = m.Groups[3].Value;
            int part = rest.StartsWith("self_attn.q_proj.", StringComparison.Ordinal) ? 0
                : rest.StartsWith("self_attn.k_proj.", StringComparison.Ordinal) ? 1
                : rest.StartsWith("self_attn.v_proj.", StringComparison.Ordinal) ? 2 : -1;
            if (part >= 0)
            {
                return new Source($"{block}.attn.in_proj_{rest[(rest.LastIndexOf('.') + 1)..]}", false, part);
            }

            return new Source($"{block}.{rest.Replace("self_attn.", "attn.").Replace("layer_norm1", "ln_1").Replace("layer_norm2", "ln_2").Replace("mlp.fc1", "mlp.c_fc").Replace("mlp.fc2", "mlp.c_proj")}", false, -1);
        }

        return hfName switch
        {
            "text_model.embeddings.token_embedding.weight" => new("token_embedding.weight", false, -1),
            "text_model.embeddings.position_embedding.weight" => new("positional_embedding", false, -1),
            "text_model.final_layer_norm.weight" => new("ln_final.weight", false, -1),
            "text_model.final_layer_norm.bias" => new("ln_final.bias", false, -1),
            "vision_model.embeddings.class_embedding" => new("visual.class_embedding", false, -1),
            "vision_model.embeddings.patch_embedding.weight" => new("visual.conv1.weight", false, -1),
            "vision_model.embeddings.position_embedding.weight" => new("visual.positional_embedding", false, -1),
            "vision_model.pre_layrnorm.weight" => new("visual.ln_pre.weight", false, -1),
            "vision_model.pre_layrnorm.bias" => new("visual.ln_pre.bias", false, -1),
            "vision_model.post_layernorm.weight" => new("visual.ln_post.weight", false, -1),
            "vision_model.post_layernorm.bias" => new("visual.ln_post.bias", false, -1),
            "visual_projection.weight" => new("visual.proj", true, -1),
            "text_projection.weight" => new("text_projection", true, -1),
            "logit_scale" => new("logit_scale", false, -1),
            _ => throw new ArgumentException($"'{hfName}' is not a CLIP parameter name.", nameof(hfName)),
        };
    }

    /// <summary>True for tensors of OpenAI / open_clip checkpoints the forward pass does not need (attention masks, size buffers).</summary>
    public static bool IsIgnored(string name) => Ignored.Contains(name) || name == "attn_mask" || name.EndsWith(".attn_mask", StringComparison.Ordinal);

    /// <summary>True when a checkpoint's tensor names are OpenAI / open_clip's rather than Hugging Face's.</summary>
    public static bool UsesOpenAiNames(IEnumerable<string> names) =>
        names.Any(n => n.StartsWith("visual.", StringComparison.Ordinal) || n == "token_embedding.weight");

    [GeneratedRegex(@"^(text|vision)_model\.encoder\.layers\.(\d+)\.(.+)$")]
    private static partial Regex LayerName();
}
