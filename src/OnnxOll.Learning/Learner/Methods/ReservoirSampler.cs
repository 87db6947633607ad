namespace OnnxOll.Learning.Learner.Methods;

/// <summary>Reservoir sampling (Vitter's algorithm R) of a stream into <see cref="Capacity"/> slots, drawn from a SplitMix64 generator
/// whose whole state is one number, so a checkpoint of <see cref="State"/> and <see cref="Offered"/> continues it exactly.</summary>
public sealed class ReservoirSampler(int capacity, ulong seed)
{
    /// <summary>Slots of the reservoir.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "A reservoir needs at least one slot.");

    /// <summary>The generator's state.</summary>
    public ulong State { get; private set; } = seed;

    /// <summary>Items offered so far.</summary>
    public long Offered { get; private set; }

    /// <summary>Offers the next item: the slot it takes (<see cref="Offered"/> − 1 while the reservoir fills, then a random one with
    /// probability Capacity / Offered), or -1 when it is not kept.</summary>
    public int Offer()
    {
        Offered++;
        if (Offered <= Capacity)
        {
            return (int)(Offered - 1);
        }

        ulong slot = Next() % (ulong)Offered;
        return slot < (ulong)Capacity ? (int)slot : -1;
    }

    /// <summary>A uniform draw from [0, <paramref name="bound"/>).</summary>
    public int Below(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        return (int)(Next() % (ulong)bound);
    }

    /// <summary>Continues from a saved <paramref name="state"/> and <paramref name="offered"/> count.</summary>
    public void Restore(ulong state, long offered)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offered);
        (State, Offered) = (state, offered);
    }

    private ulong Next()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
