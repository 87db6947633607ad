using OnnxOll.Streams.Data;
using OnnxOll.Streams;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>A learner stream over batches held in memory, recording every commit it receives.</summary>
internal sealed class ListStream(IReadOnlyList<SampleBatch<float[]>> batches) : ILearnerStream
{
    private int next;

    public string Name => "list";

    public long? Length => null;

    public int SkippedCount => 0;

    public List<long> Commits { get; } = [];

    public SampleBatch<float[]>? ReadBatch(CancellationToken cancellationToken) => next < batches.Count ? batches[next++] : null;

    public void Commit(long cursor) => Commits.Add(cursor);

    public void Dispose()
    {
    }
}
