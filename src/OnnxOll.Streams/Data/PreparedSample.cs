using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Streams.Data;

/// <summary>A stream sample after the caller's decode+preprocess delegate: its stream entry, label and prepared item.</summary>
public sealed record PreparedSample<TItem>(StreamEntry Entry, string Label, TItem Item);
