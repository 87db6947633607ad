namespace OnnxOll.Streams.Scenarios;

/// <summary>Builds a Si-Blurry stream (rnd_NM of the official LifeLong-CLIP / MVP sampler with varying N, M).</summary>
/// <remarks>
/// N % of the classes are disjoint, the rest blurry; both groups are cut into tasks at random points, so task sizes vary.
/// M % of all blurry-class samples are pooled (a random share from each task), shuffled and dealt back to tasks.
/// Differences from the official code, so that every sample appears exactly once and leaks are not class-sorted:
/// classes left over when the group sizes are not multiples of the task count stay blurry instead of being dropped,
/// and each task's leaked samples are drawn at random rather than taken from the front of the dataset order.
/// </remarks>
public static class SiBlurryScenario
{
    /// <summary>Orders the samples whose labels are given; <paramref name="disjointPercent"/> is N, <paramref name="blurryPercent"/> is M.</summary>
    public static Scenario Build(IReadOnlyList<string> labels, int disjointPercent, int blurryPercent, int tasks, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tasks, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(disjointPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(disjointPercent, 100);
        ArgumentOutOfRangeException.ThrowIfNegative(blurryPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blurryPercent, 100);
        var groups = new ClassSamples(labels);
        var rng = new Random(seed);

        var classOrder = groups.Classes.ToList();
        SeededShuffle.Shuffle(rng, classOrder);
        int disjointCount = classOrder.Count * disjointPercent / 100 / tasks * tasks;
        var disjointClasses = classOrder.GetRange(0, disjointCount);
        var blurryClasses = classOrder.GetRange(disjointCount, classOrder.Count - disjointCount);
        var disjointCuts = SeededShuffle.RandomCuts(rng, disjointClasses.Count, tasks);
        var blurryCuts = SeededShuffle.RandomCuts(rng, blurryClasses.Count, tasks);

        var disjoint = new List<int>[tasks];
        var blurry = new List<int>[tasks];
        for (int t = 0; t < tasks; t++)
        {
            disjoint[t] = SamplesOf(groups, disjointClasses, disjointCuts[t], disjointCuts[t + 1]);
            blurry[t] = SamplesOf(groups, blurryClasses, blurryCuts[t], blurryCuts[t + 1]);
        }

        Leak(rng, blurry, blurry.Sum(b => b.Count) * blurryPercent / 100);
        var perTask = Enumerable.Range(0, tasks).Select(t => disjoint[t].Concat(blurry[t]).ToList()).ToList();
        return groups.ToScenario(rng, perTask, labels, disjointClasses);
    }

    private static List<int> SamplesOf(ClassSamples groups, List<string> classes, int from, int to)
    {
        var samples = new List<int>();
        for (int c = from; c < to; c++)
        {
            samples.AddRange(groups.Samples[classes[c]]);
        }

        return samples;
    }

    // Task t gives up to k_t random blurry samples to a shuffled pool, then receives the next k_t of the pool.
    private static void Leak(Random rng, List<int>[] blurry, int leakCount)
    {
        if (leakCount == 0)
        {
            return;
        }

        var cuts = SeededShuffle.RandomCuts(rng, leakCount, blurry.Length);
        var pool = new List<int>(leakCount);
        for (int t = 0; t < blurry.Length; t++)
        {
            SeededShuffle.Shuffle(rng, blurry[t]);
            int take = Math.Min(cuts[t + 1] - cuts[t], blurry[t].Count);
            pool.AddRange(blurry[t].GetRange(0, take));
            blurry[t].RemoveRange(0, take);
        }

        SeededShuffle.Shuffle(rng, pool);
        int next = 0;
        for (int t = 0; t < blurry.Length && next < pool.Count; t++)
        {
            int give = Math.Min(cuts[t + 1] - cuts[t], pool.Count - next);
            blurry[t].AddRange(pool.GetRange(next, give));
            next += give;
        }
    }
}
