namespace OnnxOll.Learning.Learner;

/// <summary>Checks a list of held-out class names against the stream's classes.</summary>
public static class HoldoutList
{
    /// <summary>Reads one class name per line (blank lines ignored), naming the file when it is missing or empty.</summary>
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Held-out class list '{path}' does not exist.", path);
        }

        var names = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        return names.Length > 0 ? names : throw new InvalidDataException($"Held-out class list '{path}' names no class.");
    }

    /// <summary>The names as a set; every name must be a class of the data and at least one class must remain for the stream.</summary>
    /// <param name="names">The held-out class names.</param>
    /// <param name="labels">The data's labels.</param>
    /// <param name="source">Where the names came from (a file), to name in the error.</param>
    public static IReadOnlySet<string> Check(IReadOnlyList<string> names, IReadOnlyList<string> labels, string? source = null)
    {
        var classes = labels.ToHashSet(StringComparer.Ordinal);
        var unknown = names.Where(n => !classes.Contains(n)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"{(source is null ? string.Empty : source + ": ")}Held-out classes not in the data: {string.Join(", ", unknown.Take(5))}{(unknown.Length > 5 ? ", ..." : "")}.");
        }

        var set = names.ToHashSet(StringComparer.Ordinal);
        return set.Count < classes.Count ? set : throw new ArgumentException($"Cannot hold out all {classes.Count} classes: the stream would be empty.");
    }
}
