using OnnxOll.Streams.Data;
using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Streams;

/// <summary>A dataset's scenario as a learner stream: samples in scenario order, decoded ahead on a background thread.</summary>
public sealed class DatasetStream : ILearnerStream
{
    private readonly PrefetchingBatchReader<float[]> reader;

    /// <summary>Streams <paramref name="scenario"/> over <paramref name="source"/> from stream position <paramref name="cursor"/>.</summary>
    public DatasetStream(ILabelledSampleSource source, Scenario scenario, Func<LabelledSample, float[]> prepare, PrefetchOptions options, long cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scenario);
        Name = source.Name;
        Length = scenario.Entries.Count;
        reader = new PrefetchingBatchReader<float[]>(source, scenario.Entries, prepare, options, cursor, cancellationToken);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public long? Length { get; }

    /// <inheritdoc/>
    public int SkippedCount => reader.SkippedCount;

    /// <inheritdoc/>
    public SampleBatch<float[]>? ReadBatch(CancellationToken cancellationToken) => reader.ReadBatch(cancellationToken);

    /// <inheritdoc/>
    public void Commit(long cursor)
    {
    }

    /// <inheritdoc/>
    public void Dispose() => reader.Dispose();
}
