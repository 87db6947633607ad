using OnnxOll.Streams.Log;

namespace OnnxOll.Streams;

/// <summary>What opening a live stream spec needs: the learner's micro-batch size and, for the ingest log, its folder and settings.</summary>
public sealed record LiveStreamOptions(int BatchSize)
{
    /// <summary>The run's ingest log folder; null when the caller does not own one (then <c>ingest-log</c> is refused).</summary>
    public string? LogDirectory { get; init; }

    /// <summary>The ingest log's settings.</summary>
    public IngestLogOptions Log { get; init; } = new();
}
