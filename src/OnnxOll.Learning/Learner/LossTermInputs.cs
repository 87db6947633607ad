using OnnxOll.Runtime;

namespace OnnxOll.Learning.Learner;

/// <summary>The values a training step feeds to the inputs that plugins' loss terms declared; plugins set them before each step.</summary>
public sealed class LossTermInputs
{
    private readonly Dictionary<string, (float[] Data, long[] Shape)> values = new(StringComparer.Ordinal);

    /// <summary>Copies every value into its input of <paramref name="run"/> (no allocation once the shapes are bound).</summary>
    public void CopyTo(BoundRun run)
    {
        foreach (var (name, (data, shape)) in values)
        {
            var input = run.Input(name, shape).AsSpan<float>();
            data.AsSpan(0, input.Length).CopyTo(input);
        }
    }

    /// <summary>Feeds the first values of <paramref name="data"/> (kept by reference, read at each step) to input <paramref name="name"/>
    /// with the given shape.</summary>
    /// <exception cref="ArgumentException">The shape holds more values than <paramref name="data"/>.</exception>
    public void Set(string name, float[] data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (count > data.Length)
        {
            throw new ArgumentException($"Loss-term input '{name}': shape [{string.Join(", ", shape)}] holds {count} values, the data only {data.Length}.", nameof(shape));
        }

        values[name] = (data, shape);
    }
}
