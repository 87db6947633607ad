namespace OnnxOll.Streams.Data;

/// <summary>Consecutive prepared samples of one task, and the stream cursor just after them (skipped samples included).</summary>
public sealed record SampleBatch<TItem>(int Task, IReadOnlyList<PreparedSample<TItem>> Samples, long EndPosition);
