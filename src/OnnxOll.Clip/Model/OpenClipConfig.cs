using System.Text.Json;

namespace OnnxOll.Clip.Model;

/// <summary>Reads open_clip's <c>open_clip_config.json</c> (<c>model_cfg</c>: embed_dim, vision_cfg, text_cfg, quick_gelu) as a <see cref="ClipConfig"/>.</summary>
/// <remarks>Only the plain ViT + transformer CLIP is read; options that change the architecture (timm or Hugging Face towers,
/// ResNets, attentional pooling, layer scale, custom text towers, SigLIP) are refused naming the field.</remarks>
public static class OpenClipConfig
{
    /// <summary>File name of the config beside <c>open_clip_pytorch_model.bin</c>.</summary>
    public const string FileName = "open_clip_config.json";

    private static readonly (string Section, string Field, string Default)[] Unsupported =
    [
        ("model_cfg", "custom_text", "false"), ("model_cfg", "init_logit_bias", "null"),
        ("vision_cfg", "timm_model_name", "null"), ("vision_cfg", "attentional_pool", "false"), ("vision_cfg", "no_ln_pre", "false"),
        ("vision_cfg", "final_ln_after_pool", "false"), ("vision_cfg", "pool_type", "\"tok\""), ("vision_cfg", "ls_init_value", "null"),
        ("vision_cfg", "pos_embed_type", "\"learnable\""), ("text_cfg", "hf_model_name", "null"), ("text_cfg", "pool_type", "\"argmax\""),
        ("text_cfg", "proj_bias", "false"), ("text_cfg", "no_causal_mask", "false"), ("text_cfg", "embed_cls", "false"),
        ("text_cfg", "ls_init_value", "null"), ("text_cfg", "final_ln_after_pool", "false"),
    ];

    /// <summary>Reads <paramref name="file"/>.</summary>
    public static ClipConfig Load(string file) => Parse(File.ReadAllText(file), file);

    /// <summary>Parses open_clip_config.json text; <paramref name="file"/> names the source in errors.</summary>
    /// <exception cref="InvalidDataException">Corrupt JSON, a missing or invalid field, or an unsupported architecture option.</exception>
    public static ClipConfig Parse(string json, string file = FileName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: not valid JSON ({e.Message}).", e);
        }

        using (document)
        {
            var model = Object(file, document.RootElement, "model_cfg", "");
            var vision = Object(file, model, "vision_cfg", "model_cfg.");
            var text = Object(file, model, "text_cfg", "model_cfg.");
            foreach (var (section, field, fallback) in Unsupported)
            {
                var element = section == "model_cfg" ? model : section == "vision_cfg" ? vision : text;
                if (element.TryGetProperty(field, out var value) && value.GetRawText() != fallback && !(fallback == "null" && value.ValueKind == JsonValueKind.Null)
                    && !(fallback == "false" && value.ValueKind == JsonValueKind.False))
                {
                    string where = section == "model_cfg" ? field : $"model_cfg.{section}.{field}";
                    throw new InvalidDataException($"{file}: field '{where}' is {value.GetRawText()}; only {fallback} (the plain ViT CLIP) is supported.");
                }
            }

            if (vision.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
            {
                throw new InvalidDataException($"{file}: field 'model_cfg.vision_cfg.layers' is a list (a ResNet image tower); only ViT image towers are supported.");
            }

            var m = new ConfigJsonReader(file, "model_cfg", model);
            var v = new ConfigJsonReader(file, "model_cfg.vision_cfg", vision);
            var t = new ConfigJsonReader(file, "model_cfg.text_cfg", text);
            var activation = model.TryGetProperty("quick_gelu", out var q) && q.ValueKind == JsonValueKind.True ? ClipActivation.QuickGelu : ClipActivation.Gelu;
            int vWidth = v.Int("width", 768);
            int tWidth = t.Int("width", 512);
            int headWidth = v.Int("head_width", 64);
            if (vWidth % headWidth != 0)
            {
                throw v.Invalid("head_width", $"is {headWidth}, which does not divide width {vWidth}");
            }

            int heads = t.Int("heads", 8);
            if (tWidth % heads != 0)
            {
                throw t.Invalid("heads", $"is {heads}, which does not divide width {tWidth}");
            }

            int image = Side(v, "image_size", 224);
            int patch = Side(v, "patch_size", 32);
            if (image % patch != 0)
            {
                throw v.Invalid("patch_size", $"is {patch}, which does not divide image_size {image}");
            }

            var config = new ClipConfig
            {
                ProjectionDim = m.Int("embed_dim", 512),
                Vision = new ClipVisionConfig
                {
                    HiddenSize = vWidth,
                    IntermediateSize = (int)(vWidth * v.Double("mlp_ratio", 4.0)),
                    NumHiddenLayers = v.Int("layers", 12),
                    NumAttentionHeads = vWidth / headWidth,
                    ImageSize = image,
                    PatchSize = patch,
                    HiddenAct = activation,
                },
                Text = new ClipTextConfig
                {
                    HiddenSize = tWidth,
                    IntermediateSize = (int)(tWidth * t.Double("mlp_ratio", 4.0)),
                    NumHiddenLayers = t.Int("layers", 12),
                    NumAttentionHeads = heads,
                    MaxPositionEmbeddings = t.Int("context_length", 77),
                    VocabSize = t.Int("vocab_size", 49408),
                    HiddenAct = activation,
                },
            };
            return ClipConfig.Parse(config.ToJson(), file);
        }
    }

    private static JsonElement Object(string file, JsonElement parent, string field, string path)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Object)
        {
            return v;
        }

        throw new InvalidDataException($"{file}: field '{path}{field}' is missing or not an object; an open_clip config needs model_cfg with vision_cfg and text_cfg.");
    }

    private static int Side(ConfigJsonReader r, string field, int fallback)
    {
        if (r.Element.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Array)
        {
            var sides = v.EnumerateArray().Select(e => e.TryGetInt32(out int i) ? i : -1).Distinct().ToArray();
            return sides is [> 0 and var side] ? side : throw r.Invalid(field, $"is {v.GetRawText()}; only square sizes are supported");
        }

        return r.Int(field, fallback);
    }
}
