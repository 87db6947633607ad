namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>Seeded random inputs for the tiny model: pixels ~ N(0,1) and id rows ending in EOS then zeros.</summary>
internal static class TestInputs
{
    public static double[] Pixels(int seed, int batch, int channels, int size)
    {
        var random = new Random(seed);
        var data = new double[batch * channels * size * size];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        }

        return data;
    }

    /// <summary>[rows, length] ids in [1, eos-1] up to a random EOS position in [1, length-1], zeros after.</summary>
    public static long[] Ids(int seed, int rows, int length, long eos)
    {
        var random = new Random(seed);
        var ids = new long[rows * length];
        for (int r = 0; r < rows; r++)
        {
            int end = random.Next(1, length);
            for (int i = 0; i < end; i++)
            {
                ids[(r * length) + i] = random.Next(1, (int)eos);
            }

            ids[(r * length) + end] = eos;
        }

        return ids;
    }

    public static float[] ToFloat(double[] x) => x.Select(v => (float)v).ToArray();

    public static double[] Row(double[] data, int row, int width) => data[(row * width)..((row + 1) * width)];

    public static long[] Row(long[] data, int row, int width) => data[(row * width)..((row + 1) * width)];
}
