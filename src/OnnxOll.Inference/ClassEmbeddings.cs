using System.Text.Json.Nodes;
using OnnxOll.Onnx.Json;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Inference;

/// <summary>Class names with their L2-normalised text features [C, P] (prompt templates averaged), so a device classifies without the text tower.</summary>
/// <param name="names">The class names, in row order.</param>
/// <param name="rows">The features, row-major [C, P].</param>
/// <param name="dimension">P, the projection width.</param>
public sealed class ClassEmbeddings(IReadOnlyList<string> names, float[] rows, int dimension)
{
    /// <summary>The safetensors tensor holding the rows.</summary>
    public const string TensorName = "text_embeds";

    private const string ClassesKey = "classes";

    private Dictionary<string, int>? index;

    /// <summary>The class names, in row order.</summary>
    public IReadOnlyList<string> Names { get; } = names;

    /// <summary>The features, row-major [C, P].</summary>
    public float[] Rows { get; } = rows;

    /// <summary>P, the projection width.</summary>
    public int Dimension { get; } = dimension;

    /// <summary>The row of class <paramref name="name"/>, or false when the class is not stored.</summary>
    public bool TryGetRow(string name, out ReadOnlyMemory<float> row)
    {
        if (index is null)
        {
            index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int c = 0; c < Names.Count; c++)
            {
                index.TryAdd(Names[c], c);
            }
        }

        bool found = index.TryGetValue(name, out int at);
        row = found ? Rows.AsMemory(at * Dimension, Dimension) : default;
        return found;
    }

    /// <summary>Writes <c>text_embeds</c> [C, P] with the class names as JSON in the metadata (<c>classes</c>).</summary>
    public void Save(string path)
    {
        var writer = new SafeTensorsWriter();
        writer.Metadata[ClassesKey] = new JsonArray(Names.Select(n => (JsonNode?)n).ToArray()).ToJsonString();
        writer.Add(TensorName, Rows, Names.Count, Dimension);
        writer.Write(path);
    }

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The tensor or the class list is missing or inconsistent; the message names the file.</exception>
    public static ClassEmbeddings Load(string path)
    {
        try
        {
            using var file = SafeTensorsFile.Open(path);
            var names = file.Metadata.TryGetValue(ClassesKey, out var text)
                ? JsonFields.StringList(text, $"metadata '{ClassesKey}'", path)
                : throw new InvalidDataException($"{path}: metadata '{ClassesKey}' is missing.");
            if (!file.Contains(TensorName) || file.Get(TensorName).Shape is not [var c, var p] || c != names.Length)
            {
                throw new InvalidDataException($"{path}: tensor '{TensorName}' is missing or not of shape [{names.Length}, P].");
            }

            return new ClassEmbeddings(names, file.ReadFloat32(TensorName), (int)p);
        }
        catch (Exception e) when (e is SafeTensorsFormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
