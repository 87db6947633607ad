namespace OnnxOll.Streams.Scenarios;

/// <summary>Builds a class-incremental stream: classes shuffled by seed, split evenly into tasks, each class in one task.</summary>
public static class DisjointScenario
{
    /// <summary>Orders the samples whose labels are given (label of sample i at position i).</summary>
    public static Scenario Build(IReadOnlyList<string> labels, int tasks, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, 1);
        var groups = new ClassSamples(labels);
        if (groups.Classes.Count < tasks)
        {
            throw new ArgumentException($"Disjoint scenario: {tasks} tasks need at least {tasks} classes, the data has {groups.Classes.Count}.");
        }

        var rng = new Random(seed);
        var classes = groups.Classes.ToList();
        SeededShuffle.Shuffle(rng, classes);
        var cuts = SeededShuffle.EvenCuts(classes.Count, tasks);
        var perTask = Enumerable.Range(0, tasks)
            .Select(t => classes.Skip(cuts[t]).Take(cuts[t + 1] - cuts[t]).SelectMany(c => groups.Samples[c]).ToList())
            .ToList();
        return groups.ToScenario(rng, perTask, labels, classes);
    }
}
