namespace OnnxOll.Clip.Tiny;

/// <summary>Fills weights with N(0, std²) draws from a seeded <see cref="Random"/> (Box-Muller), so generated models are deterministic by seed.</summary>
public static class NormalFill
{
    /// <summary>Overwrites <paramref name="data"/> with normal draws of deviation <paramref name="std"/>.</summary>
    public static void Fill(Random random, Span<float> data, double std)
    {
        for (int i = 0; i < data.Length; i += 2)
        {
            // Box-Muller: two independent normals from two uniforms.
            double u = 1 - random.NextDouble();
            double r = std * Math.Sqrt(-2 * Math.Log(u));
            double angle = 2 * Math.PI * random.NextDouble();
            data[i] = (float)(r * Math.Cos(angle));
            if (i + 1 < data.Length)
            {
                data[i + 1] = (float)(r * Math.Sin(angle));
            }
        }
    }
}
