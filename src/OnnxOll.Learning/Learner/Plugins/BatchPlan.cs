namespace OnnxOll.Learning.Learner.Plugins;

/// <summary>The samples one batch will train on, open to plugins before the pixels are staged: the stream's own first, then
/// any a plugin adds (replay); a plugin may also replace or remove samples.</summary>
/// <remarks>Counters and the stream position count the stream's samples only. The plan holds at most <see cref="Capacity"/> samples.</remarks>
public sealed class BatchPlan
{
    private readonly List<PlannedSample> samples = [];

    internal BatchPlan(int capacity) => Capacity = capacity;

    /// <summary>Most samples a plan may hold (twice the learner's batch size).</summary>
    public int Capacity { get; }

    /// <summary>The planned samples, in order.</summary>
    public IReadOnlyList<PlannedSample> Samples => samples;

    /// <summary>Adds a sample (e.g. replayed from a buffer).</summary>
    /// <exception cref="InvalidOperationException">The plan is full.</exception>
    public void Add(PlannedSample sample)
    {
        Check(sample);
        if (samples.Count >= Capacity)
        {
            throw new InvalidOperationException($"The batch plan holds its capacity of {Capacity} samples; a plugin cannot add more.");
        }

        samples.Add(sample);
    }

    /// <summary>Replaces the sample at <paramref name="index"/>.</summary>
    public void Replace(int index, PlannedSample sample)
    {
        Check(sample);
        samples[index] = sample;
    }

    /// <summary>Removes the sample at <paramref name="index"/>.</summary>
    public void RemoveAt(int index) => samples.RemoveAt(index);

    internal void Reset() => samples.Clear();

    private static void Check(PlannedSample sample)
    {
        ArgumentException.ThrowIfNullOrEmpty(sample.Label, nameof(sample));
        ArgumentNullException.ThrowIfNull(sample.Pixels, nameof(sample));
    }
}
