using OnnxOll.Streams.Log;
using OnnxOll.TestSupport;

namespace OnnxOll.Streams.Tests.Log;

public sealed class IngestLogTests
{
    private static readonly IngestLogOptions Options = new() { BatchSize = 4, MaxWait = TimeSpan.FromHours(1) };

    private static Observation Obs(int i) => new($"class {i % 3}", Enumerable.Range(0, 10 + i).Select(b => (byte)(b * i)).ToArray());

    private static List<LogRecord> ReadAll(IngestLog log, long from = 0)
    {
        var records = new List<LogRecord>();
        using var reader = log.OpenReader(from);
        while (reader.TryRead(out var r))
        {
            records.Add(r);
        }

        return records;
    }

    [Fact]
    public async Task AppendsAreReadBackInOrderWithTheirOffsetsAfterReopening()
    {
        using var dir = new TempDirectory();
        using (var log = IngestLog.Open(dir.Path, Options))
        {
            Assert.Equal(new long[] { 0, 1 }, await log.AppendAsync([Obs(0), Obs(1)]));
            Assert.Equal(new long[] { 2 }, await log.AppendAsync([Obs(2)]));
            Assert.Equal(3, log.DurableEnd);
        }

        using var reopened = IngestLog.Open(dir.Path, Options);
        Assert.Null(reopened.Recovery);
        var records = ReadAll(reopened);
        Assert.Equal([0L, 1L, 2L], records.Select(r => r.Offset));
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Obs(i).Label, records[i].Label);
            Assert.Equal(Obs(i).Image, records[i].Image);
        }

        Assert.Equal(new long[] { 3 }, await reopened.AppendAsync([Obs(3)]));
        Assert.Equal([1L, 2L, 3L], ReadAll(reopened, 1).Select(r => r.Offset));
    }

    [Theory]
    [InlineData(3)] // a torn header
    [InlineData(20)] // a torn body
    public async Task ATornTailIsTruncatedAtOpenAndAcknowledgedRecordsSurvive(int tornBytes)
    {
        using var dir = new TempDirectory();
        using (var log = IngestLog.Open(dir.Path, Options))
        {
            await log.AppendAsync([Obs(0), Obs(1)]);
        }

        string segment = Directory.GetFiles(dir.Path, "*.log").Single();
        long good = new FileInfo(segment).Length;
        var partial = RecordCodecBytes(Obs(7)).Take(tornBytes).ToArray();
        using (var f = new FileStream(segment, FileMode.Append))
        {
            f.Write(partial);
        }

        using var reopened = IngestLog.Open(dir.Path, Options);
        Assert.Contains("torn record", reopened.Recovery, StringComparison.Ordinal);
        Assert.Equal(good, new FileInfo(segment).Length);
        Assert.Equal(2, ReadAll(reopened).Count);
        Assert.Equal(new long[] { 2 }, await reopened.AppendAsync([Obs(2)]));
    }

    [Fact]
    public async Task AFlippedBitInACoveredSegmentIsReportedNamingTheFileAndOffset()
    {
        using var dir = new TempDirectory();
        var options = Options with { SegmentBytes = 1 };
        using (var log = IngestLog.Open(dir.Path, options))
        {
            await log.AppendAsync([Obs(0), Obs(1), Obs(2), Obs(3)]);
            await log.AppendAsync([Obs(4)]);
        }

        string first = Directory.GetFiles(dir.Path, "*.log").Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(first);
        bytes[^1] ^= 0x10;
        File.WriteAllBytes(first, bytes);

        using var reopened = IngestLog.Open(dir.Path, options);
        var error = Assert.Throws<InvalidDataException>(() => ReadAll(reopened));
        Assert.Contains(Path.GetFileName(first), error.Message, StringComparison.Ordinal);
        Assert.Contains("checksum mismatch at offset 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SegmentsStartAtBatchBoundariesAndCoveredOnesAreReleased()
    {
        using var dir = new TempDirectory();
        using var log = IngestLog.Open(dir.Path, Options with { SegmentBytes = 1 });
        await log.AppendAsync(Enumerable.Range(0, 10).Select(Obs).ToArray());

        // Batches of 4: after ten observations the batch is open, so the segment only rolls after the twelfth.
        await log.AppendAsync([Obs(10), Obs(11)]);
        var names = Directory.GetFiles(dir.Path, "*.log").Select(p => Path.GetFileNameWithoutExtension(p)!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["00000000000000000000", "00000000000000000012"], names);

        log.Release(8);
        Assert.Equal(2, Directory.GetFiles(dir.Path, "*.log").Length);
        log.Release(12);
        Assert.Single(Directory.GetFiles(dir.Path, "*.log"));
        Assert.Equal(12, log.FirstOffset);
        Assert.Throws<InvalidDataException>(() => ReadAll(log, 0));
    }

    [Fact]
    public async Task TheReplayWindowKeepsCoveredSegments()
    {
        using var dir = new TempDirectory();
        using var log = IngestLog.Open(dir.Path, Options with { SegmentBytes = 1, ReplayWindow = TimeSpan.FromHours(1) });
        await log.AppendAsync(Enumerable.Range(0, 4).Select(Obs).ToArray());
        await log.AppendAsync(Enumerable.Range(0, 4).Select(Obs).ToArray());

        log.Release(8);

        Assert.Equal(3, Directory.GetFiles(dir.Path, "*.log").Length);
        Assert.Equal(8, ReadAll(log).Count);
    }

    [Fact]
    public async Task ConcurrentAppendsGetDistinctOffsetsAndAllReachTheDisk()
    {
        using var dir = new TempDirectory();
        using var log = IngestLog.Open(dir.Path, Options);
        var tasks = Enumerable.Range(0, 8).Select(c => Task.Run(async () =>
        {
            var offsets = new List<long>();
            for (int i = 0; i < 25; i++)
            {
                offsets.AddRange(await log.AppendAsync([new Observation($"client {c}", BitConverter.GetBytes(i))]));
            }

            return offsets;
        })).ToArray();
        var all = (await Task.WhenAll(tasks)).SelectMany(o => o).ToArray();

        Assert.Equal(200, all.Distinct().Count());
        var records = ReadAll(log);
        Assert.Equal(200, records.Count);
        Assert.All(all, o => Assert.Equal(LogRecordKind.Observation, records[(int)o].Kind));
    }

    [Fact]
    public async Task APartialBatchIsSealedAfterTheMaximumWait()
    {
        using var dir = new TempDirectory();
        using var log = IngestLog.Open(dir.Path, Options with { MaxWait = TimeSpan.FromMilliseconds(50) });
        await log.AppendAsync([Obs(0), Obs(1), Obs(2), Obs(3), Obs(4), Obs(5)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await log.WaitBeyondAsync(6, timeout.Token);

        var records = ReadAll(log);
        Assert.Equal(7, records.Count);
        Assert.Equal(LogRecordKind.Seal, records[6].Kind);
    }

    private static byte[] RecordCodecBytes(Observation o)
    {
        using var dir = new TempDirectory();
        using (var log = IngestLog.Open(dir.Path, Options))
        {
            log.AppendAsync([o]).GetAwaiter().GetResult();
        }

        return File.ReadAllBytes(Directory.GetFiles(dir.Path, "*.log").Single());
    }
}
