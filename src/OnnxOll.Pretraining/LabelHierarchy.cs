using System.Text.Json;
using System.Text.RegularExpressions;

namespace OnnxOll.Pretraining;

/// <summary>Superclass of each class, read from a JSON object mapping superclass → [classes] (CIFAR-100's <c>coarse_to_fine.json</c>).</summary>
/// <remarks>A trailing <c>_&lt;digit&gt;</c> that only tells two superclasses apart (CIFAR's <c>vehicles_1</c>) is dropped from the phrase.</remarks>
public sealed partial class LabelHierarchy
{
    private readonly Dictionary<string, string> parents;

    private LabelHierarchy(Dictionary<string, string> parents) => this.parents = parents;

    /// <summary>Reads the file; a class listed under two superclasses, or a non-array value, is refused naming the file and field.</summary>
    public static LabelHierarchy Load(string path)
    {
        Dictionary<string, string[]>? map;
        try
        {
            map = JsonSerializer.Deserialize<Dictionary<string, string[]>>(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Label hierarchy '{path}': expected a JSON object of superclass → [class names]: {ex.Message}", ex);
        }

        var parents = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (superclass, classes) in map ?? [])
        {
            foreach (var name in classes ?? [])
            {
                if (!parents.TryAdd(name, superclass))
                {
                    throw new InvalidDataException($"Label hierarchy '{path}': class '{name}' is listed under '{parents[name]}' and '{superclass}'.");
                }
            }
        }

        return new LabelHierarchy(parents);
    }

    /// <summary>Creates a hierarchy from class → superclass pairs.</summary>
    public static LabelHierarchy FromParents(IReadOnlyDictionary<string, string> parents) => new(new(parents, StringComparer.Ordinal));

    /// <summary>The superclass phrase of <paramref name="label"/>, or null when the hierarchy does not list it.</summary>
    public string? Superclass(string label) => parents.TryGetValue(label, out var s) ? DisambiguationSuffix().Replace(s, "") : null;

    [GeneratedRegex("_[0-9]+$")]
    private static partial Regex DisambiguationSuffix();
}
