namespace OnnxOll.Streams.Log;

/// <summary>One record read back from the ingest log: its offset, kind and (for observations) label and image bytes.</summary>
public sealed record LogRecord(long Offset, LogRecordKind Kind, string Label, byte[] Image);
