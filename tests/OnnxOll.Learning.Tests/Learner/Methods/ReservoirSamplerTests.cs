using OnnxOll.Learning.Learner.Methods;

namespace OnnxOll.Learning.Tests.Learner.Methods;

/// <summary>The replay memory's reservoir: uniform over the stream, the same draws for the same seed, continued exactly from its state.</summary>
public sealed class ReservoirSamplerTests
{
    [Fact]
    public void KeepsEveryItemWithProbabilityCapacityOverStreamLength()
    {
        const int capacity = 10, length = 100, trials = 4000;
        var kept = new int[length];
        for (int trial = 0; trial < trials; trial++)
        {
            var slots = Fill(new ReservoirSampler(capacity, (ulong)trial), length);
            foreach (int item in slots)
            {
                kept[item]++;
            }
        }

        // Each item is kept in a trial with p = 0.1: mean 400, standard deviation √(4000·0.1·0.9) ≈ 19; 5σ bounds every one of 100.
        Assert.All(kept, k => Assert.InRange(k, 400 - 95, 400 + 95));
        Assert.Equal(capacity * trials, kept.Sum());
        Assert.InRange(kept.Take(50).Sum() / (double)kept.Sum(), 0.47, 0.53);
    }

    [Fact]
    public void IsDeterministicBySeedAndContinuesFromItsState()
    {
        Assert.Equal(Fill(new ReservoirSampler(5, 42), 200), Fill(new ReservoirSampler(5, 42), 200));
        Assert.NotEqual(Fill(new ReservoirSampler(5, 42), 200), Fill(new ReservoirSampler(5, 43), 200));

        var whole = new ReservoirSampler(5, 7);
        var first = Enumerable.Range(0, 60).Select(_ => whole.Offer()).ToArray();
        var resumed = new ReservoirSampler(5, 0);
        resumed.Restore(whole.State, whole.Offered);
        Assert.Equal(Enumerable.Range(0, 60).Select(_ => whole.Offer()), Enumerable.Range(0, 60).Select(_ => resumed.Offer()));
        Assert.Equal([0, 1, 2, 3, 4], first.Take(5));
    }

    private static int[] Fill(ReservoirSampler reservoir, int length)
    {
        var slots = new int[reservoir.Capacity];
        for (int item = 0; item < length; item++)
        {
            if (reservoir.Offer() is var slot and >= 0)
            {
                slots[slot] = item;
            }
        }

        return slots;
    }
}
