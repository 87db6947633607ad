namespace OnnxOll.Streams.Sources;

/// <summary>A source's counters: observations stored, handed to the learner, and stored but not yet handed over (the lag).</summary>
public sealed record SourceCounters(long End, long Consumed, long Lag);
