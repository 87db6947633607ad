using System.Text.Json;
using System.Text.Json.Nodes;

namespace OnnxOll.Onnx.Json;

/// <summary>Reads JSON files and their typed fields, refusing a malformed file or a missing or mistyped field with one message naming
/// the file, the field, the expected and the actual value (never a .NET type name).</summary>
public static class JsonFields
{
    /// <summary>The JSON object in <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON or holds no object.</exception>
    public static JsonObject ReadObject(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file does not exist.", path);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON (line {e.LineNumber + 1}: {FirstSentence(e.Message)}).", e);
        }

        return node as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object, got {Describe(node)}.");
    }

    /// <summary>The required field <paramref name="field"/> of <paramref name="json"/> read from <paramref name="file"/>.</summary>
    /// <exception cref="InvalidDataException">The field is missing, null, of another type, or a non-finite number.</exception>
    public static T Required<T>(JsonObject json, string field, string file) =>
        Value<T>(json[field] ?? throw new InvalidDataException($"{file}: field '{field}' is missing."), field, file);

    /// <summary>The field <paramref name="field"/> of <paramref name="json"/>, or <paramref name="fallback"/> when absent or null.</summary>
    /// <exception cref="InvalidDataException">The field is of another type or a non-finite number.</exception>
    public static T Optional<T>(JsonObject json, string field, string file, T fallback) =>
        json[field] is { } node ? Value<T>(node, field, file) : fallback;

    /// <summary><paramref name="node"/> (the value of <paramref name="field"/> in <paramref name="file"/>) as a <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidDataException">Of another type or a non-finite number.</exception>
    public static T Value<T>(JsonNode node, string field, string file)
    {
        T value;
        try
        {
            value = node is JsonValue v ? v.GetValue<T>() : throw new InvalidOperationException();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"{file}: field '{field}' is {Describe(node)}, expected {Expected(typeof(T))}.", e);
        }

        if (value is double d && !double.IsFinite(d) || value is float f && !float.IsFinite(f))
        {
            throw new InvalidDataException($"{file}: field '{field}' is {Describe(node)}, expected a finite number.");
        }

        return value;
    }

    /// <summary>The strings of the array field <paramref name="field"/>, or null when absent.</summary>
    /// <exception cref="InvalidDataException">Not an array of strings.</exception>
    public static string[]? Strings(JsonObject json, string field, string file)
    {
        if (json[field] is not { } node)
        {
            return null;
        }

        if (node is not JsonArray array)
        {
            throw new InvalidDataException($"{file}: field '{field}' is {Describe(node)}, expected an array of strings.");
        }

        return [.. array.Select((item, i) => Value<string>(item ?? throw new InvalidDataException($"{file}: field '{field}[{i}]' is null, expected a string."), $"{field}[{i}]", file))];
    }

    /// <summary>The strings of <paramref name="text"/>, a JSON list of strings kept as text (e.g. safetensors metadata), which is
    /// <paramref name="what"/> (e.g. "metadata 'classes'") of <paramref name="file"/>.</summary>
    /// <exception cref="InvalidDataException">Not JSON, not a list, or an item that is not a string.</exception>
    public static string[] StringList(string text, string what, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: {what} is not JSON ('{(text.Length <= 40 ? text : text[..40] + "…")}'), expected a JSON list of strings.", e);
        }

        if (node is not JsonArray array)
        {
            throw new InvalidDataException($"{file}: {what} is {Describe(node)}, expected a JSON list of strings.");
        }

        return [.. array.Select((item, i) => item is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new InvalidDataException($"{file}: {what}[{i}] is {Describe(item)}, expected a string."))];
    }

    /// <summary>A short description of a JSON value for a message: its kind and, when short, its text.</summary>
    public static string Describe(JsonNode? node)
    {
        string kind = node?.GetValueKind() switch
        {
            null or JsonValueKind.Null => "null",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Array => "an array",
            _ => "an object",
        };
        string text = node is JsonValue ? node.ToJsonString() : string.Empty;
        return text.Length is > 0 and <= 40 ? $"{kind} ({text})" : kind;
    }

    private static string Expected(Type type) =>
        type == typeof(string) ? "a string"
        : type == typeof(bool) ? "true or false"
        : type == typeof(int) || type == typeof(long) ? "an integer"
        : type == typeof(double) || type == typeof(float) ? "a number"
        : type.Name;

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}
