namespace OnnxOll.Streams.Scenarios;

/// <summary>One position of a stream: which sample (index into the training source) arrives, in which task.</summary>
public readonly record struct StreamEntry(int SampleIndex, int Task);
