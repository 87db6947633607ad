namespace OnnxOll.Clip.Model;

/// <summary>The Hugging Face parameter names of a CLIP model and the shape each must have under a config.</summary>
public static class ClipParameterShapes
{
    /// <summary>Buffers some checkpoints carry that the forward pass does not need; they are ignored when present.</summary>
    public static IReadOnlySet<string> IgnoredBuffers { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "text_model.embeddings.position_ids",
        "vision_model.embeddings.position_ids",
    };

    /// <summary>The linear layers of one encoder layer, relative to the layer name (weights [out, in], with biases).</summary>
    public static IReadOnlyList<string> LayerLinears { get; } =
        ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj", "mlp.fc1", "mlp.fc2"];

    /// <summary>Every parameter with its shape, in a stable order (text tower, vision tower, projections, logit_scale).</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> For(ClipConfig config)
    {
        var t = config.Text;
        var v = config.Vision;
        var list = new List<(string, long[])>
        {
            ("text_model.embeddings.token_embedding.weight", [t.VocabSize, t.HiddenSize]),
            ("text_model.embeddings.position_embedding.weight", [t.MaxPositionEmbeddings, t.HiddenSize]),
        };
        AddLayers(list, t);
        list.Add(("text_model.final_layer_norm.weight", [t.HiddenSize]));
        list.Add(("text_model.final_layer_norm.bias", [t.HiddenSize]));
        list.Add(("vision_model.embeddings.class_embedding", [v.HiddenSize]));
        list.Add(("vision_model.embeddings.patch_embedding.weight", [v.HiddenSize, v.NumChannels, v.PatchSize, v.PatchSize]));
        list.Add(("vision_model.embeddings.position_embedding.weight", [v.TokenCount, v.HiddenSize]));
        list.Add(("vision_model.pre_layrnorm.weight", [v.HiddenSize]));
        list.Add(("vision_model.pre_layrnorm.bias", [v.HiddenSize]));
        AddLayers(list, v);
        list.Add(("vision_model.post_layernorm.weight", [v.HiddenSize]));
        list.Add(("vision_model.post_layernorm.bias", [v.HiddenSize]));
        list.Add(("visual_projection.weight", [config.ProjectionDim, v.HiddenSize]));
        list.Add(("text_projection.weight", [config.ProjectionDim, t.HiddenSize]));
        list.Add(("logit_scale", []));
        return list;
    }

    /// <summary>The [out, in] shape of a linear layer of an encoder layer (a name from <see cref="LayerLinears"/>).</summary>
    public static (int Out, int In) LinearShape(ClipEncoderConfig tower, string linear) => linear switch
    {
        "mlp.fc1" => (tower.IntermediateSize, tower.HiddenSize),
        "mlp.fc2" => (tower.HiddenSize, tower.IntermediateSize),
        _ => (tower.HiddenSize, tower.HiddenSize),
    };

    /// <summary>Formats a shape as <c>[a, b]</c>.</summary>
    public static string Format(IReadOnlyList<long> shape) => $"[{string.Join(", ", shape)}]";

    private static void AddLayers(List<(string, long[])> list, ClipEncoderConfig tower)
    {
        long d = tower.HiddenSize;
        for (int i = 0; i < tower.NumHiddenLayers; i++)
        {
            string p = tower.LayerName(i);
            foreach (string linear in LayerLinears)
            {
                var (o, n) = LinearShape(tower, linear);
                list.Add(($"{p}.{linear}.weight", [o, n]));
                list.Add(($"{p}.{linear}.bias", [o]));
                if (linear == "self_attn.out_proj")
                {
                    list.Add(($"{p}.layer_norm1.weight", [d]));
                    list.Add(($"{p}.layer_norm1.bias", [d]));
                }
            }

            list.Add(($"{p}.layer_norm2.weight", [d]));
            list.Add(($"{p}.layer_norm2.bias", [d]));
        }
    }
}
