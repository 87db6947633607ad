namespace OnnxOll.Streams.Scenarios;

/// <summary>The test samples grouped by class, to evaluate on the classes seen so far (optionally a seeded fixed subset per class).</summary>
public sealed class TestSplit
{
    private readonly ClassSamples groups;

    /// <summary>Groups the test samples whose labels are given (label of sample i at position i).</summary>
    public TestSplit(IReadOnlyList<string> testLabels) => groups = new ClassSamples(testLabels);

    /// <summary>All test classes, in ordinal order.</summary>
    public IReadOnlyList<string> Classes => groups.Classes;

    /// <summary>Sorted test sample indices of <paramref name="classes"/>; at most <paramref name="maxPerClass"/> per class, chosen by <paramref name="seed"/> and stable across calls.</summary>
    /// <remarks>Classes absent from the test data contribute nothing.</remarks>
    public IReadOnlyList<int> IndicesFor(IEnumerable<string> classes, int? maxPerClass = null, int seed = ScenarioSpec.DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(classes);
        if (maxPerClass is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPerClass), maxPerClass, "maxPerClass must be >= 1.");
        }

        var indices = new List<int>();
        foreach (var cls in classes.Distinct(StringComparer.Ordinal))
        {
            if (!groups.Samples.TryGetValue(cls, out var samples))
            {
                continue;
            }

            if (maxPerClass is { } cap && samples.Count > cap)
            {
                // Seeded per class, so a class keeps the same subset whichever other classes are asked for.
                var shuffled = samples.ToList();
                SeededShuffle.Shuffle(new Random(unchecked((seed * 1_000_003) ^ StableHash(cls))), shuffled);
                indices.AddRange(shuffled.Take(cap));
            }
            else
            {
                indices.AddRange(samples);
            }
        }

        indices.Sort();
        return indices;
    }

    // string.GetHashCode and HashCode.Combine are randomised per process; this FNV-1a is not.
    private static int StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return (int)hash;
    }
}
