namespace OnnxOll.Streams.Scenarios;

/// <summary>Distinct class names (ordinal order, independent of sample order) and the sample indices of each.</summary>
internal sealed class ClassSamples
{
    public ClassSamples(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var byClass = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++)
        {
            string label = labels[i] ?? throw new ArgumentException($"Sample {i} has no label.", nameof(labels));
            if (!byClass.TryGetValue(label, out var list))
            {
                byClass[label] = list = [];
            }

            list.Add(i);
        }

        Classes = [.. byClass.Keys];
        Samples = byClass;
    }

    public IReadOnlyList<string> Classes { get; }

    public IReadOnlyDictionary<string, List<int>> Samples { get; }

    /// <summary>Builds the scenario from per-task sample lists, shuffling each task's order.</summary>
    public Scenario ToScenario(Random rng, IReadOnlyList<List<int>> tasks, IReadOnlyList<string> labels, IEnumerable<string> disjointClasses)
    {
        var entries = new List<StreamEntry>(labels.Count);
        var taskClasses = new List<IReadOnlySet<string>>(tasks.Count);
        for (int t = 0; t < tasks.Count; t++)
        {
            SeededShuffle.Shuffle(rng, tasks[t]);
            entries.AddRange(tasks[t].Select(i => new StreamEntry(i, t)));
            taskClasses.Add(tasks[t].Select(i => labels[i]).ToHashSet(StringComparer.Ordinal));
        }

        return new Scenario(entries, taskClasses, disjointClasses.ToHashSet(StringComparer.Ordinal));
    }
}
