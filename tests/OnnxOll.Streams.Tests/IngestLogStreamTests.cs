using OnnxOll.Streams.Log;
using OnnxOll.TestSupport;
using OnnxOll.Streams.Data;

namespace OnnxOll.Streams.Tests;

public sealed class IngestLogStreamTests
{
    private static float[] Prepare(LabelledSample sample) => [sample.EncodedBytes![0]];

    [Fact]
    public async Task BatchesFollowTheLogsFramingAndReportConsumption()
    {
        using var dir = new TempDirectory();
        using var log = IngestLog.Open(dir.Path, new IngestLogOptions { BatchSize = 4, MaxWait = TimeSpan.FromMilliseconds(100), MaxLag = 100 });
        await log.AppendAsync(Enumerable.Range(0, 6).Select(i => new Observation($"c{i % 2}", [(byte)i])).ToArray());
        using var stream = new IngestLogStream(log, 0, Prepare);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var first = stream.ReadBatch(timeout.Token)!;
        Assert.Equal(4, first.EndPosition);
        Assert.Equal(4, log.Consumed);
        Assert.Equal(2, log.Lag);
        var second = stream.ReadBatch(timeout.Token)!; // sealed after 100 ms
        Assert.Equal(7, second.EndPosition);
        Assert.Equal([4f, 5f], second.Samples.Select(s => s.Item[0]));
        Assert.Equal(["c0", "c1"], second.Samples.Select(s => s.Label));

        var waiting = Task.Run(() => stream.ReadBatch(timeout.Token));
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        await log.AppendAsync(Enumerable.Range(6, 4).Select(i => new Observation("c", [(byte)i])).ToArray());
        Assert.Equal(11, (await waiting)!.EndPosition);
    }

    [Fact]
    public async Task AStreamReopenedAtACheckpointCursorContinuesWithTheSameBatches()
    {
        using var dir = new TempDirectory();
        using var log = IngestLog.Open(dir.Path, new IngestLogOptions { BatchSize = 3, MaxWait = TimeSpan.FromHours(1) });
        await log.AppendAsync(Enumerable.Range(0, 9).Select(i => new Observation("c", [(byte)i])).ToArray());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var whole = new IngestLogStream(log, 0, Prepare);
        var all = Enumerable.Range(0, 3).Select(_ => whole.ReadBatch(timeout.Token)!).ToArray();

        using var resumed = new IngestLogStream(log, all[0].EndPosition, Prepare);
        var rest = Enumerable.Range(0, 2).Select(_ => resumed.ReadBatch(timeout.Token)!).ToArray();

        Assert.Equal(all[1..].Select(b => b.EndPosition), rest.Select(b => b.EndPosition));
        Assert.Equal(all[1..].SelectMany(b => b.Samples).Select(s => s.Item[0]), rest.SelectMany(b => b.Samples).Select(s => s.Item[0]));
    }
}
