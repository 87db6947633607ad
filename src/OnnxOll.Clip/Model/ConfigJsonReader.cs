using System.Text.Json;

namespace OnnxOll.Clip.Model;

/// <summary>Reads typed fields of one config.json object, defaulting absent fields and naming the file and field on errors.</summary>
internal sealed class ConfigJsonReader(string file, string section, JsonElement element)
{
    public JsonElement Element => element;

    public int Int(string field, int fallback)
    {
        if (!element.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) && i > 0
            ? i
            : throw Error(field, "a positive integer", v);
    }

    public double Double(string field, double fallback)
    {
        if (!element.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Error(field, "a number", v);
    }

    public long? OptionalLong(string field)
    {
        if (!element.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long l) ? l : throw Error(field, "an integer", v);
    }

    public string String(string field, string fallback)
    {
        if (!element.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return fallback;
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString()! : throw Error(field, "a string", v);
    }

    public ClipActivation Activation(string field)
    {
        string name = String(field, "quick_gelu");
        return ClipActivationNames.TryParse(name)
            ?? throw new InvalidDataException($"{file}: field '{Qualified(field)}' is \"{name}\", expected one of quick_gelu, gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu.");
    }

    /// <summary>The object <paramref name="field"/> (or its legacy <c>_dict</c> twin); a missing object is an error.</summary>
    public ConfigJsonReader Section(string field)
    {
        foreach (string name in new[] { field, field + "_dict" })
        {
            if (element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null)
            {
                return v.ValueKind == JsonValueKind.Object ? new ConfigJsonReader(file, name, v) : throw Error(name, "an object", v);
            }
        }

        throw new InvalidDataException($"{file}: field '{field}' is missing; a CLIP config.json needs text_config and vision_config objects.");
    }

    public InvalidDataException Invalid(string field, string message) =>
        new($"{file}: field '{Qualified(field)}' {message}.");

    private InvalidDataException Error(string field, string expected, JsonElement actual) =>
        new($"{file}: field '{Qualified(field)}' is {actual.GetRawText()}, expected {expected}.");

    private string Qualified(string field) => section.Length == 0 ? field : $"{section}.{field}";
}
