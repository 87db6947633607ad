namespace OnnxOll.Streams.Log;

/// <summary>What a log record holds.</summary>
public enum LogRecordKind : byte
{
    /// <summary>A labelled image.</summary>
    Observation = 1,

    /// <summary>The end of a partial micro-batch (written when the batch waited its maximum time).</summary>
    Seal = 2,
}
