using OnnxOll.Streams.Data;

namespace OnnxOll.Streams;

/// <summary>Where the online learner's batches come from: a dataset's scenario, the durable ingest log or a Redis stream.</summary>
/// <remarks>A cursor is the stream position just after a batch; a checkpoint stores it, and a stream reopened at that
/// cursor continues with exactly the batches that follow it.</remarks>
public interface ILearnerStream : IDisposable
{
    /// <summary>A name for messages.</summary>
    string Name { get; }

    /// <summary>Samples in the whole stream when it is finite and known in advance; otherwise null.</summary>
    long? Length { get; }

    /// <summary>Samples skipped so far because they could not be prepared.</summary>
    int SkippedCount { get; }

    /// <summary>The next batch of prepared CHW images, or null when the stream has ended; a live stream waits for one.</summary>
    SampleBatch<float[]>? ReadBatch(CancellationToken cancellationToken);

    /// <summary>A checkpoint now covers every sample before <paramref name="cursor"/>: the stream may acknowledge or release them.</summary>
    void Commit(long cursor);
}
