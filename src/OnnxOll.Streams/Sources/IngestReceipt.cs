namespace OnnxOll.Streams.Sources;

/// <summary>Where accepted observations went: ingest log offsets, or Redis stream entry ids.</summary>
public sealed record IngestReceipt(IReadOnlyList<long>? Offsets, IReadOnlyList<string>? Ids)
{
    /// <summary>Observations accepted.</summary>
    public int Count => Offsets?.Count ?? Ids?.Count ?? 0;
}
