using System.Diagnostics;
using OnnxOll.Streams.Data;
using StackExchange.Redis;
using StreamEntry = StackExchange.Redis.StreamEntry;
using LearnerEntry = OnnxOll.Streams.Scenarios.StreamEntry;

namespace OnnxOll.Streams.Redis;

/// <summary>A Redis stream read through a consumer group as a learner stream; entries are acknowledged (XACK) only once a checkpoint covers them.</summary>
/// <remarks>On open, the consumer's pending entries (delivered before a crash, never acknowledged) come first: those a checkpoint
/// already covers are acknowledged without training, the rest are trained in order, then new entries follow. So a crash
/// re-delivers exactly the uncovered entries and nothing is trained twice. The cursor is the last entry's id (<see cref="RedisEntryId"/>).</remarks>
public sealed class RedisLearnerStream : ILearnerStream
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly RedisStreamSpec spec;
    private readonly ConnectionMultiplexer connection;
    private readonly IDatabase db;
    private readonly int batchSize;
    private readonly Func<LabelledSample, float[]> prepare;
    private readonly Action<string>? warning;
    private readonly Queue<StreamEntry> pending = new();
    private readonly List<RedisValue> unacknowledged = [];
    private readonly Stopwatch idle = Stopwatch.StartNew();
    private int skipped;

    private RedisLearnerStream(RedisStreamSpec spec, ConnectionMultiplexer connection, int batchSize, long cursor, Func<LabelledSample, float[]> prepare, Action<string>? warning)
    {
        this.spec = spec;
        this.connection = connection;
        db = connection.GetDatabase();
        this.batchSize = batchSize;
        this.prepare = prepare;
        this.warning = warning;
        Name = $"{RedisStreamSpec.Scheme}{spec.Host}:{spec.Port}/{spec.Stream} (group {spec.Group})";
        EnsureGroup();
        RecoverPending(cursor);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public long? Length => null;

    /// <inheritdoc/>
    public int SkippedCount => skipped;

    /// <summary>Entries acknowledged at open because a checkpoint already covered them.</summary>
    public int AcknowledgedAtOpen { get; private set; }

    /// <summary>Entries re-delivered at open because no checkpoint covered them.</summary>
    public int RedeliveredAtOpen { get; private set; }

    /// <summary>Connects and joins the consumer group (creating it, and the stream, when absent); resumes after <paramref name="cursor"/> (0: none).</summary>
    /// <exception cref="IOException">Redis cannot be reached (names the address).</exception>
    public static RedisLearnerStream Open(RedisStreamSpec spec, int batchSize, long cursor, Func<LabelledSample, float[]> prepare, Action<string>? warning = null)
    {
        var connection = RedisConnection.Connect(spec);
        try
        {
            return new RedisLearnerStream(spec, connection, batchSize, cursor, prepare, warning);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public SampleBatch<float[]>? ReadBatch(CancellationToken cancellationToken)
    {
        var samples = new List<PreparedSample<float[]>>(batchSize);
        int taken = 0;
        string? last = null;
        var batchClock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pending.Count == 0 && taken < batchSize)
            {
                foreach (var e in db.StreamReadGroup(spec.Stream, spec.Group, spec.Consumer, StreamPosition.NewMessages, batchSize - taken))
                {
                    pending.Enqueue(e);
                }
            }

            while (pending.Count > 0 && taken < batchSize)
            {
                var entry = pending.Dequeue();
                taken++;
                last = entry.Id.ToString();
                unacknowledged.Add(entry.Id);
                Prepare(entry, samples);
                idle.Restart();
                if (taken == 1)
                {
                    batchClock.Restart();
                }
            }

            if (taken == batchSize || (taken > 0 && batchClock.Elapsed >= spec.MaxWait))
            {
                return new SampleBatch<float[]>(0, samples, RedisEntryId.ToCursor(last!));
            }

            if (taken == 0 && spec.EndIdle is { } end && idle.Elapsed >= end)
            {
                return null;
            }

            cancellationToken.WaitHandle.WaitOne(Poll);
        }
    }

    /// <inheritdoc/>
    public void Commit(long cursor)
    {
        var covered = unacknowledged.Where(id => RedisEntryId.ToCursor(id.ToString()) <= cursor).ToArray();
        if (covered.Length > 0)
        {
            db.StreamAcknowledge(spec.Stream, spec.Group, covered);
            unacknowledged.RemoveRange(0, covered.Length);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => connection.Dispose();

    private void EnsureGroup()
    {
        try
        {
            db.StreamCreateConsumerGroup(spec.Stream, spec.Group, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    private void RecoverPending(long cursor)
    {
        RedisValue after = "0-0";
        while (true)
        {
            var entries = db.StreamReadGroup(spec.Stream, spec.Group, spec.Consumer, after, 256);
            if (entries.Length == 0)
            {
                return;
            }

            var covered = entries.Where(e => RedisEntryId.ToCursor(e.Id.ToString()) <= cursor).Select(e => e.Id).ToArray();
            if (covered.Length > 0)
            {
                db.StreamAcknowledge(spec.Stream, spec.Group, covered);
                AcknowledgedAtOpen += covered.Length;
            }

            foreach (var e in entries.Where(e => RedisEntryId.ToCursor(e.Id.ToString()) > cursor))
            {
                pending.Enqueue(e);
                RedeliveredAtOpen++;
            }

            after = entries[^1].Id;
        }
    }

    private void Prepare(StreamEntry entry, List<PreparedSample<float[]>> samples)
    {
        string where = $"{Name} entry {entry.Id}";
        string? label = entry["label"];
        var image = entry["image"];
        if (string.IsNullOrWhiteSpace(label) || image.IsNull)
        {
            skipped++;
            warning?.Invoke($"Skipped: {where}: expected fields 'label' and 'image'.");
            return;
        }

        try
        {
            var sample = LabelledSample.FromEncoded(label.Trim(), (byte[])image!, where);
            samples.Add(new PreparedSample<float[]>(new LearnerEntry(samples.Count, 0), sample.Label, prepare(sample)) { Source = sample });
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or ArgumentException)
        {
            skipped++;
            warning?.Invoke($"Skipped: {where} could not be prepared: {e.Message}");
        }
    }
}
