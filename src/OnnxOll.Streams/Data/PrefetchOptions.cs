namespace OnnxOll.Streams.Data;

/// <summary>Settings of <see cref="PrefetchingBatchReader{TItem}"/>.</summary>
public sealed record PrefetchOptions
{
    /// <summary>Samples per batch (the paper streams 64); a batch never spans two tasks.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Prepared batches held ahead of the consumer.</summary>
    public int Capacity { get; init; } = 2;

    /// <summary>When true a sample whose preparation fails stops the stream; otherwise it is skipped and counted.</summary>
    public bool Strict { get; init; }

    /// <summary>Receives one line per skipped sample (called on the producer thread).</summary>
    public Action<string>? Warning { get; init; }
}
