using System.Globalization;

namespace OnnxOll.Clip.Pet;

/// <summary>Which encoder layers a PET method covers: <c>all</c> or a list such as <c>0,3,8-11</c>.</summary>
public sealed record LayerSelection
{
    private LayerSelection(int[]? layers) => Layers = layers;

    /// <summary>Every layer of the tower.</summary>
    public static LayerSelection All { get; } = new((int[]?)null);

    /// <summary>The explicit layers in ascending order, or null for <see cref="All"/>.</summary>
    public IReadOnlyList<int>? Layers { get; }

    /// <summary>An explicit, non-empty set of layers.</summary>
    public static LayerSelection Of(IEnumerable<int> layers)
    {
        var sorted = layers.Distinct().Order().ToArray();
        if (sorted.Length == 0 || sorted[0] < 0)
        {
            throw new ArgumentException("A layer selection needs at least one layer, all >= 0.", nameof(layers));
        }

        return new LayerSelection(sorted);
    }

    /// <summary>Parses <c>all</c> or comma-separated indices and inclusive ranges <c>a-b</c>.</summary>
    /// <exception cref="FormatException">An unreadable item; the message quotes it.</exception>
    public static LayerSelection Parse(string text)
    {
        if (text.Trim() == "all")
        {
            return All;
        }

        var layers = new List<int>();
        foreach (string raw in text.Split(','))
        {
            string item = raw.Trim();
            int dash = item.IndexOf('-');
            if (dash > 0 && Index(item[..dash], text) is int from && Index(item[(dash + 1)..], text) is int to)
            {
                if (to < from)
                {
                    throw new FormatException($"PET spec: layers range '{item}' in '{text}' runs backwards.");
                }

                layers.AddRange(Enumerable.Range(from, to - from + 1));
            }
            else
            {
                layers.Add(Index(item, text));
            }
        }

        return Of(layers);
    }

    /// <summary>The selected layers of a tower with <paramref name="layerCount"/> layers.</summary>
    /// <exception cref="ArgumentException">A selected layer does not exist; the message names it and the tower's size.</exception>
    public IReadOnlyList<int> Resolve(int layerCount, string tower)
    {
        if (Layers is null)
        {
            return Enumerable.Range(0, layerCount).ToArray();
        }

        int bad = Layers.FirstOrDefault(l => l >= layerCount, -1);
        return bad < 0
            ? Layers
            : throw new ArgumentException($"PET spec: layers={this} names layer {bad}, but the {tower} tower has layers 0-{layerCount - 1}.");
    }

    /// <summary>The canonical text: <c>all</c>, or ascending items with consecutive runs of three or more as ranges.</summary>
    public override string ToString()
    {
        if (Layers is null)
        {
            return "all";
        }

        var items = new List<string>();
        for (int i = 0; i < Layers.Count;)
        {
            int j = i;
            while (j + 1 < Layers.Count && Layers[j + 1] == Layers[j] + 1)
            {
                j++;
            }

            if (j - i >= 2)
            {
                items.Add($"{Layers[i]}-{Layers[j]}");
            }
            else
            {
                items.AddRange(Layers.Skip(i).Take(j - i + 1).Select(l => l.ToString(CultureInfo.InvariantCulture)));
            }

            i = j + 1;
        }

        return string.Join(",", items);
    }

    /// <inheritdoc/>
    public bool Equals(LayerSelection? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private static int Index(string item, string text) =>
        int.TryParse(item.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            ? i
            : throw new FormatException($"PET spec: layers item '{item}' in '{text}' is not a layer index or range a-b.");
}
