using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Pretraining;

/// <summary>The base classes of a pretraining run: <c>count</c> of the data's classes drawn by seed (all when count is 0), in ordinal order.</summary>
public static class ClassSelection
{
    /// <summary>Draws the classes; the draw depends only on the set of class names, the count and the seed.</summary>
    public static IReadOnlyList<string> Draw(IEnumerable<string> labels, int count, int seed)
    {
        var classes = labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (count == 0 || count == classes.Count)
        {
            return classes;
        }

        if (count > classes.Count)
        {
            throw new InvalidDataException($"Recipe field 'pretrain.base_classes' is {count}, but the data has only {classes.Count} classes.");
        }

        SeededShuffle.Shuffle(new Random(seed), classes);
        return [.. classes.Take(count).Order(StringComparer.Ordinal)];
    }
}
