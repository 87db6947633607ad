namespace OnnxOll.Streams.Scenarios;

/// <summary>Fisher-Yates shuffles and sorted random cut points driven by a caller-owned <see cref="Random"/>.</summary>
public static class SeededShuffle
{
    /// <summary>Shuffles <paramref name="items"/> in place (Fisher-Yates) with <paramref name="rng"/>.</summary>
    public static void Shuffle<T>(Random rng, IList<T> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>Boundaries [0, c1, ..., c(parts-1), total] with the inner cuts drawn uniformly from [0, total) and sorted.</summary>
    public static int[] RandomCuts(Random rng, int total, int parts)
    {
        var cuts = new int[parts + 1];
        for (int i = 1; i < parts; i++)
        {
            cuts[i] = total == 0 ? 0 : rng.Next(total);
        }

        cuts[parts] = total;
        Array.Sort(cuts, 1, parts - 1);
        return cuts;
    }

    /// <summary>Boundaries splitting <paramref name="total"/> into <paramref name="parts"/> sizes differing by at most one (larger first).</summary>
    public static int[] EvenCuts(int total, int parts)
    {
        var cuts = new int[parts + 1];
        for (int i = 0; i < parts; i++)
        {
            cuts[i + 1] = cuts[i] + (total / parts) + (i < total % parts ? 1 : 0);
        }

        return cuts;
    }
}
