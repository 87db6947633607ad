using OnnxOll.Streams.Data;
using OnnxOll.Streams.Redis;
using OnnxOll.TestSupport.Redis;
using StackExchange.Redis;

namespace OnnxOll.Streams.Tests.Redis;

public sealed class RedisLearnerStreamTests
{
    private static float[] Prepare(LabelledSample sample) => [sample.EncodedBytes![0]];

    private static string[] Add(IDatabase db, string stream, int count) =>
        Enumerable.Range(0, count)
            .Select(i => db.StreamAdd(stream, [new NameValueEntry("label", $"c{i % 3}"), new NameValueEntry("image", new byte[] { (byte)i, 1, 2 })]).ToString())
            .ToArray();

    private static RedisLearnerStream Open(string stream, long cursor) =>
        RedisLearnerStream.Open(RedisStreamSpec.Parse(TestRedis.Spec(stream, "g", "&max_wait_ms=100&end_idle_ms=300")), 4, cursor, Prepare);

    [RedisFact]
    public void BatchesAreAcknowledgedOnlyWhenACheckpointCoversThem()
    {
        using var redis = TestRedis.Connect();
        var db = redis.GetDatabase();
        string stream = TestRedis.NewStream();
        var ids = Add(db, stream, 6);
        using var source = Open(stream, 0);

        var first = source.ReadBatch(default)!;
        var second = source.ReadBatch(default)!; // two left: closed by the maximum wait

        Assert.Equal([0f, 1f, 2f, 3f], first.Samples.Select(s => s.Item[0]));
        Assert.Equal(RedisEntryId.ToCursor(ids[3]), first.EndPosition);
        Assert.Equal(2, second.Samples.Count);
        Assert.Equal(6, db.StreamPending(stream, "g").PendingMessageCount);
        source.Commit(first.EndPosition);
        Assert.Equal(2, db.StreamPending(stream, "g").PendingMessageCount);
        Assert.Null(source.ReadBatch(default)); // idle: the stream ends
        db.KeyDelete(stream);
    }

    [RedisFact]
    public void AfterACrashUncoveredEntriesAreRedeliveredAndCoveredOnesAcknowledgedWithoutTraining()
    {
        using var redis = TestRedis.Connect();
        var db = redis.GetDatabase();
        string stream = TestRedis.NewStream();
        var ids = Add(db, stream, 12);
        long checkpoint;
        using (var crashed = Open(stream, 0))
        {
            crashed.ReadBatch(default);
            checkpoint = crashed.ReadBatch(default)!.EndPosition; // a checkpoint covered 8 entries, then the process died before XACK
            crashed.ReadBatch(default);
        }

        using var resumed = Open(stream, checkpoint);

        Assert.Equal(8, resumed.AcknowledgedAtOpen);
        Assert.Equal(4, resumed.RedeliveredAtOpen);
        var batch = resumed.ReadBatch(default)!;
        Assert.Equal([8f, 9f, 10f, 11f], batch.Samples.Select(s => s.Item[0]));
        Assert.Equal(RedisEntryId.ToCursor(ids[11]), batch.EndPosition);
        resumed.Commit(batch.EndPosition);
        Assert.Equal(0, db.StreamPending(stream, "g").PendingMessageCount);
        Assert.Null(resumed.ReadBatch(default));
        db.KeyDelete(stream);
    }

    [RedisFact]
    public void AnEntryWithoutALabelIsSkippedAndCounted()
    {
        using var redis = TestRedis.Connect();
        var db = redis.GetDatabase();
        string stream = TestRedis.NewStream();
        db.StreamAdd(stream, [new NameValueEntry("image", new byte[] { 1 })]);
        Add(db, stream, 3);
        using var source = Open(stream, 0);

        var batch = source.ReadBatch(default)!;

        Assert.Equal(3, batch.Samples.Count);
        Assert.Equal(1, source.SkippedCount);
        db.KeyDelete(stream);
    }

    [Fact]
    public void AnUnreachableServerIsOneClearError()
    {
        var error = Assert.Throws<IOException>(() => RedisLearnerStream.Open(RedisStreamSpec.Parse("redis://127.0.0.1:1/s?group=g"), 4, 0, Prepare));

        Assert.StartsWith("redis://127.0.0.1:1: cannot connect to Redis", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abortConnect", error.Message, StringComparison.Ordinal); // the client's advice to programmers
    }
}
