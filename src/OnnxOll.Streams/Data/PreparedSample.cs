using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Streams.Data;

/// <summary>A stream sample after the caller's decode+preprocess delegate: its stream entry, label and prepared item.</summary>
public sealed record PreparedSample<TItem>(StreamEntry Entry, string Label, TItem Item)
{
    /// <summary>The payload it was prepared from (encoded bytes or raw pixels), for methods that keep samples (replay); null when not kept.</summary>
    public LabelledSample? Source { get; init; }
}
