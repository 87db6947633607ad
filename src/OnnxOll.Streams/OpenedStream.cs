using OnnxOll.Streams.Data;
using OnnxOll.Streams.Sources;

namespace OnnxOll.Streams;

/// <summary>An opened stream spec (<see cref="StreamSpecs.Open"/>): either a data set's splits, learned in a scenario's order,
/// or a live observation source; disposing it closes whichever it is.</summary>
public sealed class OpenedStream : IDisposable
{
    internal OpenedStream(DataSplits? dataSet, IObservationSource? live)
    {
        DataSet = dataSet;
        Live = live;
    }

    /// <summary>The data set's train/test splits, or null for a live source.</summary>
    public DataSplits? DataSet { get; }

    /// <summary>The live source (a Redis stream or the ingest log), or null for a data set.</summary>
    public IObservationSource? Live { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        DataSet?.Dispose();
        Live?.Dispose();
    }
}
