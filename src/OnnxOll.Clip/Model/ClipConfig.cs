using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxOll.Clip.Model;

/// <summary>A Hugging Face CLIPConfig: both towers, the projection width and the logit-scale initial value.</summary>
/// <remarks>Fields absent from config.json take Hugging Face's defaults (ViT-B/32 sizes).</remarks>
public sealed record ClipConfig
{
    /// <summary>File name of the config inside a model folder.</summary>
    public const string FileName = "config.json";

    /// <summary>The text tower.</summary>
    public required ClipTextConfig Text { get; init; }

    /// <summary>The vision tower.</summary>
    public required ClipVisionConfig Vision { get; init; }

    /// <summary>Width of the shared embedding space (<c>projection_dim</c>).</summary>
    public int ProjectionDim { get; init; } = 512;

    /// <summary>The initial value of logit_scale (<c>logit_scale_init_value</c>); the trained value is in the weights.</summary>
    public double LogitScaleInitValue { get; init; } = 2.6592;

    /// <summary>The tower's settings: <see cref="Text"/> or <see cref="Vision"/>.</summary>
    public ClipEncoderConfig Tower(ClipTower tower) => tower == ClipTower.Text ? Text : Vision;

    /// <summary>Reads <c>config.json</c> from a model folder (or the file itself).</summary>
    /// <exception cref="InvalidDataException">Corrupt JSON or an invalid field; the message names the file and field.</exception>
    public static ClipConfig Load(string folderOrFile)
    {
        string file = Directory.Exists(folderOrFile) ? Path.Combine(folderOrFile, FileName) : folderOrFile;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"{file}: CLIP config not found.", file);
        }

        return Parse(File.ReadAllText(file), file);
    }

    /// <summary>Parses config.json text; <paramref name="file"/> names the source in error messages.</summary>
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
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{file}: the top level is {document.RootElement.ValueKind}, expected an object.");
            }

            var root = new ConfigJsonReader(file, "", document.RootElement);
            var config = new ClipConfig
            {
                Text = ReadText(root.Section("text_config")),
                Vision = ReadVision(root.Section("vision_config")),
                ProjectionDim = root.Int("projection_dim", 512),
                LogitScaleInitValue = root.Double("logit_scale_init_value", 2.6592),
            };
            return config;
        }
    }

    /// <summary>Writes this config as a Hugging Face config.json.</summary>
    public void Save(string file) => File.WriteAllText(file, ToJson());

    /// <summary>This config as Hugging Face config.json text.</summary>
    public string ToJson()
    {
        var text = Encoder(Text, "clip_text_model");
        text["vocab_size"] = Text.VocabSize;
        text["max_position_embeddings"] = Text.MaxPositionEmbeddings;
        if (Text.EosTokenId is long eos)
        {
            text["eos_token_id"] = eos;
        }

        var vision = Encoder(Vision, "clip_vision_model");
        vision["image_size"] = Vision.ImageSize;
        vision["patch_size"] = Vision.PatchSize;
        vision["num_channels"] = Vision.NumChannels;
        var root = new JsonObject
        {
            ["architectures"] = new JsonArray("CLIPModel"),
            ["model_type"] = "clip",
            ["torch_dtype"] = "float32",
            ["projection_dim"] = ProjectionDim,
            ["logit_scale_init_value"] = LogitScaleInitValue,
            ["text_config"] = text,
            ["vision_config"] = vision,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject Encoder(ClipEncoderConfig c, string modelType) => new()
    {
        ["model_type"] = modelType,
        ["hidden_size"] = c.HiddenSize,
        ["intermediate_size"] = c.IntermediateSize,
        ["num_hidden_layers"] = c.NumHiddenLayers,
        ["num_attention_heads"] = c.NumAttentionHeads,
        ["hidden_act"] = ClipActivationNames.ToName(c.HiddenAct),
        ["layer_norm_eps"] = c.LayerNormEps,
    };

    private static ClipTextConfig ReadText(ConfigJsonReader r)
    {
        var c = new ClipTextConfig
        {
            VocabSize = r.Int("vocab_size", 49408),
            HiddenSize = r.Int("hidden_size", 512),
            IntermediateSize = r.Int("intermediate_size", 2048),
            NumHiddenLayers = r.Int("num_hidden_layers", 12),
            NumAttentionHeads = r.Int("num_attention_heads", 8),
            MaxPositionEmbeddings = r.Int("max_position_embeddings", 77),
            HiddenAct = r.Activation("hidden_act"),
            LayerNormEps = r.Double("layer_norm_eps", 1e-5),
            EosTokenId = r.OptionalLong("eos_token_id"),
        };
        CheckHeads(r, c);
        return c;
    }

    private static ClipVisionConfig ReadVision(ConfigJsonReader r)
    {
        var c = new ClipVisionConfig
        {
            HiddenSize = r.Int("hidden_size", 768),
            IntermediateSize = r.Int("intermediate_size", 3072),
            NumHiddenLayers = r.Int("num_hidden_layers", 12),
            NumAttentionHeads = r.Int("num_attention_heads", 12),
            ImageSize = r.Int("image_size", 224),
            PatchSize = r.Int("patch_size", 32),
            NumChannels = r.Int("num_channels", 3),
            HiddenAct = r.Activation("hidden_act"),
            LayerNormEps = r.Double("layer_norm_eps", 1e-5),
        };
        CheckHeads(r, c);
        if (c.ImageSize % c.PatchSize != 0)
        {
            throw r.Invalid("patch_size", $"is {c.PatchSize}, which does not divide image_size {c.ImageSize}");
        }

        return c;
    }

    private static void CheckHeads(ConfigJsonReader r, ClipEncoderConfig c)
    {
        if (c.HiddenSize % c.NumAttentionHeads != 0)
        {
            throw r.Invalid("num_attention_heads", $"is {c.NumAttentionHeads}, which does not divide hidden_size {c.HiddenSize}");
        }
    }
}
