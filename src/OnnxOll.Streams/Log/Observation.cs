namespace OnnxOll.Streams.Log;

/// <summary>One labelled image as it arrives: the class name and the encoded image file.</summary>
public sealed record Observation(string Label, byte[] Image);
