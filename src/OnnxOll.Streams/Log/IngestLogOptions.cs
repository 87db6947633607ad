namespace OnnxOll.Streams.Log;

/// <summary>Settings of an <see cref="IngestLog"/>.</summary>
public sealed record IngestLogOptions
{
    /// <summary>Observations per micro-batch; a batch ends after this many or at a seal record.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>How long a partial micro-batch waits for more observations before the log seals it.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A segment is closed at the first batch boundary after it reaches this size.</summary>
    public long SegmentBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How long segments already covered by a checkpoint are kept for replay; zero deletes them at once.</summary>
    public TimeSpan ReplayWindow { get; init; } = TimeSpan.Zero;

    /// <summary>Records appended but not yet consumed by the learner beyond which appends are refused (back-pressure).</summary>
    public long MaxLag { get; init; } = 4096;
}
