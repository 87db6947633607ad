namespace OnnxOll.Inference;

/// <summary>Class names in order of first appearance in the stream; no class count is declared in advance.</summary>
public sealed class ClassVocabulary
{
    private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
    private readonly List<string> names = [];

    /// <summary>Number of classes seen so far.</summary>
    public int Count => names.Count;

    /// <summary>Class names by id.</summary>
    public IReadOnlyList<string> Names => names;

    /// <summary>The id of <paramref name="name"/>, adding it when seen for the first time.</summary>
    public int GetOrAdd(string name)
    {
        if (!ids.TryGetValue(name, out int id))
        {
            id = names.Count;
            ids.Add(name, id);
            names.Add(name);
        }

        return id;
    }

    /// <summary>The id of a known class, or false.</summary>
    public bool TryGet(string name, out int id) => ids.TryGetValue(name, out id);
}
