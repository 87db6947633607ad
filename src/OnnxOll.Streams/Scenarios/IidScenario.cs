namespace OnnxOll.Streams.Scenarios;

/// <summary>Builds an i.i.d. stream: all samples (each <c>epochs</c> times: offline joint training) shuffled by seed and cut into
/// equal consecutive tasks.</summary>
public static class IidScenario
{
    /// <summary>Orders the samples whose labels are given (label of sample i at position i).</summary>
    public static Scenario Build(IReadOnlyList<string> labels, int tasks, int seed, int epochs = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        var groups = new ClassSamples(labels);
        var rng = new Random(seed);
        var order = Enumerable.Repeat(0, epochs).SelectMany(_ => Enumerable.Range(0, labels.Count)).ToList();
        SeededShuffle.Shuffle(rng, order);
        var cuts = SeededShuffle.EvenCuts(order.Count, tasks);
        var perTask = Enumerable.Range(0, tasks).Select(t => order.GetRange(cuts[t], cuts[t + 1] - cuts[t])).ToList();
        return groups.ToScenario(rng, perTask, labels, []);
    }
}
