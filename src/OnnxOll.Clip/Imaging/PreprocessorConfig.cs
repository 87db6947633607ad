using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Clip.Imaging;

/// <summary>Reads and writes a Hugging Face <c>preprocessor_config.json</c> (CLIPImageProcessor) as <see cref="ClipImagePreprocessorOptions"/>.</summary>
/// <remarks>Honoured: <c>image_mean</c>, <c>image_std</c>, <c>size</c> (shortest edge), <c>crop_size</c>, <c>do_normalize</c>. Refused with one
/// line naming the field: a crop other than the model's image size, no centre crop, a resampling other than bicubic, a rescale other than 1/255.</remarks>
public static class PreprocessorConfig
{
    /// <summary>The file name in a model folder.</summary>
    public const string FileName = "preprocessor_config.json";

    private const int Bicubic = 3;

    /// <summary>The options of <paramref name="folder"/>'s preprocessor_config.json, or OpenAI CLIP's defaults at <paramref name="imageSize"/> when it has none.</summary>
    /// <exception cref="InvalidDataException">A field is malformed or asks for preprocessing OnnxOll does not do; the message names the file and field.</exception>
    public static ClipImagePreprocessorOptions Load(string folder, int imageSize)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return new ClipImagePreprocessorOptions { ImageSize = imageSize };
        }

        try
        {
            var o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
            var defaults = new ClipImagePreprocessorOptions();
            int crop = Side(o["crop_size"], "crop_size", path) ?? imageSize;
            if (crop != imageSize)
            {
                throw new InvalidDataException($"{path}: field 'crop_size' is {crop}, the model's vision_config.image_size is {imageSize}.");
            }

            if (!JsonFields.Optional(o, "do_center_crop", path, true))
            {
                throw new InvalidDataException($"{path}: field 'do_center_crop' is false; OnnxOll always centre-crops.");
            }

            if (o["resample"] is { } resample && JsonFields.Value<int>(resample, "resample", path) != Bicubic)
            {
                throw new InvalidDataException($"{path}: field 'resample' is {resample.ToJsonString()}; OnnxOll resizes bicubic ({Bicubic}).");
            }

            if (!JsonFields.Optional(o, "do_rescale", path, true) || Math.Abs(JsonFields.Optional(o, "rescale_factor", path, 1 / 255.0) - (1 / 255.0)) > 1e-9)
            {
                throw new InvalidDataException($"{path}: fields 'do_rescale'/'rescale_factor' must scale by 1/255.");
            }

            bool normalize = JsonFields.Optional(o, "do_normalize", path, true);
            int? resize = !JsonFields.Optional(o, "do_resize", path, true) ? crop : Side(o["size"], "size", path);
            return new ClipImagePreprocessorOptions
            {
                ImageSize = crop,
                ResizeShortestEdge = resize is { } r && r != crop ? r : null,
                Mean = normalize ? Triple(o["image_mean"], "image_mean", path) ?? defaults.Mean : [0f, 0f, 0f],
                Std = normalize ? Triple(o["image_std"], "image_std", path) ?? defaults.Std : [1f, 1f, 1f],
            };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>The Hugging Face CLIPImageProcessor JSON of <paramref name="options"/>.</summary>
    public static JsonObject ToJson(ClipImagePreprocessorOptions options) => new()
    {
        ["crop_size"] = new JsonObject { ["height"] = options.ImageSize, ["width"] = options.ImageSize },
        ["do_center_crop"] = true,
        ["do_convert_rgb"] = true,
        ["do_normalize"] = true,
        ["do_rescale"] = true,
        ["do_resize"] = true,
        ["image_mean"] = new JsonArray(options.Mean.Select(m => (JsonNode?)m).ToArray()),
        ["image_processor_type"] = "CLIPImageProcessor",
        ["image_std"] = new JsonArray(options.Std.Select(m => (JsonNode?)m).ToArray()),
        ["resample"] = Bicubic,
        ["rescale_factor"] = 1 / 255.0,
        ["size"] = new JsonObject { ["shortest_edge"] = options.ResizeShortestEdge ?? options.ImageSize },
    };

    /// <summary>Writes <paramref name="options"/> as <c>preprocessor_config.json</c> into <paramref name="folder"/>.</summary>
    public static void Write(ClipImagePreprocessorOptions options, string folder) =>
        File.WriteAllText(Path.Combine(folder, FileName), ToJson(options).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    private static int? Side(JsonNode? node, string field, string path) => node switch
    {
        null => null,
        JsonValue v => JsonFields.Value<int>(v, field, path),
        JsonObject { } o when o["shortest_edge"] is { } edge => JsonFields.Value<int>(edge, field + ".shortest_edge", path),
        JsonObject { } o when o["height"] is { } h && o["width"] is { } w => JsonFields.Value<int>(h, field + ".height", path) == JsonFields.Value<int>(w, field + ".width", path)
            ? h.GetValue<int>()
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: field '{field}' is {h}x{w}; OnnxOll needs a square.")),
        _ => throw new InvalidDataException($"{path}: field '{field}' is {node.ToJsonString()}, expected a number, {{\"shortest_edge\": n}} or {{\"height\": n, \"width\": n}}."),
    };

    private static float[]? Triple(JsonNode? node, string field, string path)
    {
        if (node is null)
        {
            return null;
        }

        var values = (node as JsonArray)?.Select((v, i) => v is null ? float.NaN : JsonFields.Value<float>(v, $"{field}[{i}]", path)).ToArray();
        if (values is not { Length: 3 } || values.Any(float.IsNaN))
        {
            throw new InvalidDataException($"{path}: field '{field}' is {node.ToJsonString()}, expected 3 numbers.");
        }

        return field == "image_std" && values.Any(v => v <= 0)
            ? throw new InvalidDataException($"{path}: field '{field}' is {node.ToJsonString()}, expected 3 numbers greater than 0.")
            : values;
    }
}
