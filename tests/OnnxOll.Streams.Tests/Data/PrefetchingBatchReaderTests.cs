using OnnxOll.Streams.Data;
using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Streams.Tests.Data;

public class PrefetchingBatchReaderTests
{
    // Columns: batch size, start position; the stream has 10 samples in tasks of 4, 6.
    [Theory]
    [InlineData(3, 0)]
    [InlineData(4, 0)]
    [InlineData(64, 0)]
    [InlineData(2, 5)]
    public void Batches_FollowTheStream_AndNeverSpanTasks(int batchSize, int start)
    {
        var source = new FakeSource(10);
        var stream = Enumerable.Range(0, 10).Select(i => new StreamEntry((i * 3) % 10, i < 4 ? 0 : 1)).ToList();
        using var reader = new PrefetchingBatchReader<int>(source, stream, s => s.EncodedBytes![0] * 2, new PrefetchOptions { BatchSize = batchSize }, start);

        var batches = Drain(reader);
        Assert.All(batches, b => Assert.InRange(b.Samples.Count, 1, batchSize));
        Assert.All(batches, b => Assert.All(b.Samples, s => Assert.Equal(b.Task, s.Entry.Task)));
        Assert.Equal(stream.Skip(start), batches.SelectMany(b => b.Samples.Select(s => s.Entry)));
        Assert.All(batches.SelectMany(b => b.Samples), s => Assert.Equal(s.Entry.SampleIndex * 2, s.Item));
        Assert.All(batches.SelectMany(b => b.Samples), s => Assert.Equal($"c{s.Entry.SampleIndex % 3}", s.Label));
        Assert.Equal(10, batches[^1].EndPosition);
        Assert.Equal(0, reader.SkippedCount);
    }

    [Fact]
    public void CorruptSample_IsSkippedWithAWarning_AndCounted()
    {
        var warnings = new List<string>();
        var stream = Enumerable.Range(0, 6).Select(i => new StreamEntry(i, 0)).ToList();
        using var reader = new PrefetchingBatchReader<int>(
            new FakeSource(6), stream, Prepare, new PrefetchOptions { BatchSize = 2, Warning = warnings.Add });
        var batches = Drain(reader);
        Assert.Equal([0, 1, 2, 4, 5], batches.SelectMany(b => b.Samples.Select(s => s.Entry.SampleIndex)));
        Assert.Equal(1, reader.SkippedCount);
        Assert.Single(warnings);
        Assert.Contains("fake#3", warnings[0]);
        Assert.Equal(5, batches[1].EndPosition); // [2, skipped 3, 4]
    }

    [Fact]
    public void StrictMode_FailsTheConsumer_NamingTheSample()
    {
        var stream = Enumerable.Range(0, 6).Select(i => new StreamEntry(i, 0)).ToList();
        using var reader = new PrefetchingBatchReader<int>(new FakeSource(6), stream, Prepare, new PrefetchOptions { BatchSize = 2, Strict = true });
        var ex = Assert.Throws<InvalidDataException>(() => Drain(reader));
        Assert.Contains("fake#3", ex.Message);
        Assert.IsType<FormatException>(ex.InnerException);
    }

    [Fact]
    public void SourceFailure_PropagatesToTheConsumer()
    {
        var stream = Enumerable.Range(0, 5).Select(i => new StreamEntry(i, 0)).ToList();
        using var reader = new PrefetchingBatchReader<int>(new FakeSource(5, failAt: 2), stream, s => 0, new PrefetchOptions { BatchSize = 1 });
        Assert.Throws<IOException>(() => Drain(reader));
    }

    [Fact]
    public void Cancellation_StopsTheStream()
    {
        using var cts = new CancellationTokenSource();
        var stream = Enumerable.Range(0, 1000).Select(i => new StreamEntry(i % 10, 0)).ToList();
        using var reader = new PrefetchingBatchReader<int>(new FakeSource(10), stream, s => 1, new PrefetchOptions { BatchSize = 1 }, 0, cts.Token);
        Assert.NotNull(reader.ReadBatch());
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Drain(reader));
    }

    [Fact]
    public void DisposeWhileTheProducerIsBlocked_Returns()
    {
        var stream = Enumerable.Range(0, 1000).Select(i => new StreamEntry(i % 10, 0)).ToList();
        var reader = new PrefetchingBatchReader<int>(new FakeSource(10), stream, s => 1, new PrefetchOptions { BatchSize = 1, Capacity = 1 });
        Assert.NotNull(reader.ReadBatch());
        reader.Dispose();
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.ReadBatch());
    }

    private static int Prepare(LabelledSample s) => s.EncodedBytes![0] == 3 ? throw new FormatException("bad JPEG") : s.EncodedBytes[0];

    private static List<SampleBatch<int>> Drain(PrefetchingBatchReader<int> reader)
    {
        var batches = new List<SampleBatch<int>>();
        while (reader.ReadBatch() is { } batch)
        {
            batches.Add(batch);
        }

        return batches;
    }

    private sealed class FakeSource(int count, int failAt = -1) : ILabelledSampleSource
    {
        public string Name => "fake";

        public IReadOnlyList<string> Labels { get; } = Enumerable.Range(0, count).Select(i => $"c{i % 3}").ToArray();

        public LabelledSample Read(int index) =>
            index == failAt ? throw new IOException("disk gone") : LabelledSample.FromEncoded(Labels[index], [(byte)index], $"fake#{index}");

        public void Dispose()
        {
        }
    }
}
