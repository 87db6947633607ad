using System.Text.Json;
using System.Text.Unicode;

namespace OnnxOll.Onnx.SafeTensors;

/// <summary>The parsed and validated JSON header of a safetensors file.</summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>Largest header the reference implementation accepts; a bigger one means a corrupt length prefix.</summary>
    public const long MaxLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    private SafeTensorsHeader(List<SafeTensorInfo> tensors, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Tensor entries in header order.</summary>
    public List<SafeTensorInfo> Tensors { get; }

    public Dictionary<string, string> Metadata { get; }

    /// <summary>Parses <paramref name="json"/> and checks every entry against a data section of <paramref name="dataLength"/> bytes.</summary>
    public static SafeTensorsHeader Parse(string path, ReadOnlyMemory<byte> json, long dataLength)
    {
        if (!Utf8.IsValid(json.Span))
        {
            throw new SafeTensorsFormatException(path, "header is not valid UTF-8");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException(path, $"header is not valid JSON ({e.Message})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SafeTensorsFormatException(path, $"header is a JSON {root.ValueKind}, expected an object");
            }

            var tensors = new List<SafeTensorInfo>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var sawMetadata = false;
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    if (sawMetadata)
                    {
                        throw new SafeTensorsFormatException(path, $"field '{MetadataKey}' appears twice");
                    }

                    sawMetadata = true;
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }

                if (!names.Add(property.Name))
                {
                    throw new SafeTensorsFormatException(path, $"tensor '{property.Name}' appears twice in the header");
                }

                tensors.Add(ReadTensor(path, property.Name, property.Value));
            }

            CheckNoOverlap(path, tensors);
            CheckWithinData(path, tensors, dataLength);
            return new SafeTensorsHeader(tensors, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException(
                path, $"field '{MetadataKey}' is a JSON {value.ValueKind}, expected an object of strings");
        }

        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                throw new SafeTensorsFormatException(
                    path, $"field '{MetadataKey}' key '{entry.Name}' is a JSON {entry.Value.ValueKind}, expected a string");
            }

            metadata[entry.Name] = entry.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadTensor(string path, string name, JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new SafeTensorsFormatException(
                path, $"tensor '{name}': entry is a JSON {entry.ValueKind}, expected an object with dtype, shape and data_offsets");
        }

        var dtype = ReadDType(path, name, Field(path, name, entry, "dtype"));
        var shape = ReadIntegers(path, name, Field(path, name, entry, "shape"), "shape");
        var offsets = ReadIntegers(path, name, Field(path, name, entry, "data_offsets"), "data_offsets");
        if (offsets.Length != 2)
        {
            throw new SafeTensorsFormatException(
                path, $"tensor '{name}': field 'data_offsets' has {offsets.Length} elements, expected 2 integers [begin, end]");
        }

        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end)
        {
            throw new SafeTensorsFormatException(
                path, $"tensor '{name}': field 'data_offsets' begin {begin} is greater than end {end}");
        }

        var info = new SafeTensorInfo(name, dtype, shape, begin, end);
        if (!SafeTensorShape.TryByteLength(shape, dtype, out var expected))
        {
            throw new SafeTensorsFormatException(
                path, $"tensor '{name}': field 'shape' {SafeTensorShape.Format(shape)} has more bytes than a 64-bit size can count");
        }

        if (info.ByteLength != expected)
        {
            throw new SafeTensorsFormatException(
                path,
                $"tensor '{name}': field 'data_offsets' [{begin}, {end}] spans {info.ByteLength} bytes, expected {expected} " +
                $"(shape {SafeTensorShape.Format(shape)} of {SafeTensorDTypes.ToName(dtype)})");
        }

        return info;
    }

    private static JsonElement Field(string path, string name, JsonElement entry, string field) =>
        entry.TryGetProperty(field, out var value)
            ? value
            : throw new SafeTensorsFormatException(path, $"tensor '{name}': missing field '{field}'");

    private static SafeTensorDType ReadDType(string path, string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new SafeTensorsFormatException(
                path, $"tensor '{name}': field 'dtype' is a JSON {value.ValueKind}, expected a string");
        }

        var text = value.GetString()!;
        return SafeTensorDTypes.TryParse(text, out var dtype)
            ? dtype
            : throw new SafeTensorsFormatException(
                path, $"tensor '{name}': field 'dtype' is '{text}', expected one of {SafeTensorDTypes.KnownNames}");
    }

    private static long[] ReadIntegers(string path, string name, JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new SafeTensorsFormatException(
                path, $"tensor '{name}': field '{field}' is a JSON {value.ValueKind}, expected an array of integers");
        }

        var result = new long[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var number) || number < 0)
            {
                throw new SafeTensorsFormatException(
                    path, $"tensor '{name}': field '{field}' element {i} is {item.GetRawText()}, expected an integer >= 0");
            }

            result[i++] = number;
        }

        return result;
    }

    private static void CheckNoOverlap(string path, List<SafeTensorInfo> tensors)
    {
        SafeTensorInfo? previous = null;
        foreach (var tensor in tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.Begin))
        {
            if (previous is not null && tensor.Begin < previous.End)
            {
                throw new SafeTensorsFormatException(
                    path,
                    $"tensors '{previous.Name}' (data_offsets [{previous.Begin}, {previous.End}]) and " +
                    $"'{tensor.Name}' (data_offsets [{tensor.Begin}, {tensor.End}]) overlap");
            }

            previous = tensor;
        }
    }

    private static void CheckWithinData(string path, List<SafeTensorInfo> tensors, long dataLength)
    {
        var last = tensors.MaxBy(t => t.End);
        if (last is not null && last.End > dataLength)
        {
            throw new SafeTensorsFormatException(
                path,
                $"tensor '{last.Name}': field 'data_offsets' end {last.End} lies beyond the data section, which holds " +
                $"{dataLength} bytes (the file is truncated or the offsets point outside it)");
        }
    }
}
