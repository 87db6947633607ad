namespace OnnxOll.Learning.Learner;

/// <summary>The values a training step feeds to the inputs that plugins' loss terms declared; plugins set them before each step.</summary>
public sealed class LossTermInputs
{
    private readonly Dictionary<string, (float[] Data, long[] Shape)> values = new(StringComparer.Ordinal);

    /// <summary>The values by input name.</summary>
    public IReadOnlyDictionary<string, (float[] Data, long[] Shape)> Values => values;

    /// <summary>Feeds <paramref name="data"/> (kept by reference, read at each step) to input <paramref name="name"/> with the given shape.</summary>
    /// <exception cref="ArgumentException">The shape does not hold <paramref name="data"/>'s length.</exception>
    public void Set(string name, float[] data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (count != data.Length)
        {
            throw new ArgumentException($"Loss-term input '{name}': shape [{string.Join(", ", shape)}] holds {count} values, the data {data.Length}.", nameof(shape));
        }

        values[name] = (data, shape);
    }
}
