namespace OnnxOll.Learning.Learner.Methods;

/// <summary>SplitMix64: a seedable generator whose whole state is one number, so a method's randomness checkpoints exactly.</summary>
internal struct SplitMix64(ulong state)
{
    /// <summary>The generator's state (save it; a generator made from it continues the same sequence).</summary>
    public ulong State { readonly get; private set; } = state;

    /// <summary>The next 64 random bits.</summary>
    public ulong Next()
    {
        ulong z = State += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>).</summary>
    public long Below(long bound) => (long)(Next() % (ulong)bound);

    /// <summary>A uniform float in [−<paramref name="bound"/>, <paramref name="bound"/>).</summary>
    public float Symmetric(float bound) => (((Next() >> 40) * (1f / (1 << 24))) * 2 * bound) - bound;
}
