using System.Threading.Channels;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Streams.Log;

/// <summary>A durable append-only log of labelled images: checksummed records in segment files, group-committed with an fsync before an append completes.</summary>
/// <remarks>Offsets number every record (observations and seals) from 0. Micro-batch boundaries are part of the log:
/// a batch ends after <see cref="IngestLogOptions.BatchSize"/> observations or at a seal record, which the log writes
/// when a partial batch has waited <see cref="IngestLogOptions.MaxWait"/>; so the batches are a function of the log alone
/// and a replay trains exactly the same steps. Segments start at batch boundaries. Opening recovers the last segment by
/// truncating it at its first torn or corrupt record (never acknowledged, since an append completes only after its fsync).</remarks>
public sealed class IngestLog : IDisposable
{
    private readonly object gate = new();
    private readonly List<LogSegment> segments;
    private readonly Channel<PendingAppend> appends = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;
    private FileStream active;
    private TaskCompletionSource durableSignal = NewSignal();
    private long durableEnd;
    private long consumed;
    private long nextOffset;
    private int openCount;
    private DateTime openSince;
    private Exception? failure;
    private bool disposed;

    private IngestLog(string directory, IngestLogOptions options, List<LogSegment> segments, FileStream active, long next, int open, string? recovery)
    {
        Directory = directory;
        Options = options;
        this.segments = segments;
        this.active = active;
        nextOffset = durableEnd = next;
        openCount = open;
        openSince = DateTime.UtcNow;
        Recovery = recovery;
        writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The folder holding the segment files.</summary>
    public string Directory { get; }

    /// <summary>The log's settings.</summary>
    public IngestLogOptions Options { get; }

    /// <summary>What opening repaired (a torn tail truncated), or null when the log was intact.</summary>
    public string? Recovery { get; }

    /// <summary>Offset just after the last record that is on disk.</summary>
    public long DurableEnd => Interlocked.Read(ref durableEnd);

    /// <summary>Offset up to which the learner has consumed the log.</summary>
    public long Consumed => Interlocked.Read(ref consumed);

    /// <summary>Records on disk that the learner has not consumed yet.</summary>
    public long Lag => Math.Max(0, DurableEnd - Consumed);

    /// <summary>Offset of the first record still on disk.</summary>
    public long FirstOffset
    {
        get
        {
            lock (gate)
            {
                return segments[0].BaseOffset;
            }
        }
    }

    /// <summary>Opens (or creates) the log in <paramref name="directory"/>, recovering a torn tail.</summary>
    public static IngestLog Open(string directory, IngestLogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(directory);
        var segments = LogSegment.List(directory);
        if (segments.Count == 0)
        {
            segments.Add(LogSegment.For(directory, 0));
        }

        var last = segments[^1];
        var stream = new FileStream(last.Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        try
        {
            DirectorySync.Flush(directory);
            long records = 0;
            int open = 0;
            long good = 0;
            string? problem;
            while (RecordCodec.TryRead(stream, out problem) is { } record)
            {
                records++;
                open = record.Kind == LogRecordKind.Seal || open + 1 == options.BatchSize ? 0 : open + 1;
                good = stream.Position;
            }

            string? recovery = null;
            if (problem is not null)
            {
                recovery = $"{last.Path}: {problem} at offset {last.BaseOffset + records}; truncated {stream.Length - good} bytes that were never acknowledged.";
                stream.SetLength(good);
                stream.Flush(flushToDisk: true);
            }

            stream.Position = good;
            return new IngestLog(directory, options, segments, stream, last.BaseOffset + records, open, recovery);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends <paramref name="observations"/> and completes with their offsets once they are on disk.</summary>
    public Task<long[]> AppendAsync(IReadOnlyList<Observation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        var encoded = observations.Select(o => RecordCodec.Encode(LogRecordKind.Observation, o.Label, o.Image)).ToArray();
        var pending = new PendingAppend(encoded, new TaskCompletionSource<long[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!appends.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(IngestLog));
        }

        return pending.Completion.Task;
    }

    /// <summary>Records that the learner has consumed the log up to <paramref name="offset"/> (for the lag bound).</summary>
    public void ReportConsumed(long offset) => Interlocked.Exchange(ref consumed, offset);

    /// <summary>Completes when records beyond <paramref name="offset"/> are on disk.</summary>
    public async Task WaitBeyondAsync(long offset, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (gate)
            {
                if (durableEnd > offset)
                {
                    return;
                }

                signal = durableSignal.Task;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens a sequential reader of the records from <paramref name="offset"/> on.</summary>
    public LogReader OpenReader(long offset) => new(this, offset);

    /// <summary>A checkpoint covers every record before <paramref name="cursor"/>: deletes segments wholly before it that are older than the replay window.</summary>
    public void Release(long cursor)
    {
        var cutoff = DateTime.UtcNow - Options.ReplayWindow;
        lock (gate)
        {
            while (segments.Count > 1 && segments[1].BaseOffset <= cursor
                && (Options.ReplayWindow <= TimeSpan.Zero || File.GetLastWriteTimeUtc(segments[0].Path) < cutoff))
            {
                File.Delete(segments[0].Path);
                segments.RemoveAt(0);
            }
        }
    }

    /// <summary>Stops the writer after the appends already queued, and closes the active segment.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        appends.Writer.TryComplete();
        try
        {
            writer.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        active.Dispose();
    }

    internal LogSegment SegmentFor(long offset)
    {
        lock (gate)
        {
            for (int i = segments.Count - 1; i >= 0; i--)
            {
                if (segments[i].BaseOffset <= offset)
                {
                    return segments[i];
                }
            }

            throw new InvalidDataException($"{Directory}: offset {offset} is before the first retained segment (offset {segments[0].BaseOffset}); it was released after a checkpoint covered it.");
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingAppend>();
        while (true)
        {
            bool more;
            using (var timeout = new CancellationTokenSource())
            {
                if (openCount > 0)
                {
                    var remaining = openSince + Options.MaxWait - DateTime.UtcNow;
                    timeout.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
                }

                try
                {
                    more = await appends.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    more = true;
                }
            }

            batch.Clear();
            while (appends.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            try
            {
                if (failure is not null)
                {
                    throw new IOException($"{Directory}: the ingest log stopped accepting appends after a write failed: {failure.Message}", failure);
                }

                Write(batch);
            }
            catch (Exception ex)
            {
                // A failed write may leave a partial record: no later record may follow it in this process.
                failure ??= ex;
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }

                continue;
            }

            if (!more && batch.Count == 0)
            {
                return;
            }
        }
    }

    private void Write(List<PendingAppend> batch)
    {
        var offsets = new long[batch.Count][];
        bool wrote = false;
        for (int p = 0; p < batch.Count; p++)
        {
            offsets[p] = new long[batch[p].Records.Length];
            for (int r = 0; r < batch[p].Records.Length; r++)
            {
                active.Write(batch[p].Records[r]);
                offsets[p][r] = nextOffset++;
                if (openCount == 0)
                {
                    openSince = DateTime.UtcNow;
                }

                openCount = openCount + 1 == Options.BatchSize ? 0 : openCount + 1;
                wrote = true;
            }
        }

        if (openCount > 0 && DateTime.UtcNow - openSince >= Options.MaxWait)
        {
            active.Write(RecordCodec.Encode(LogRecordKind.Seal, string.Empty, []));
            nextOffset++;
            openCount = 0;
            wrote = true;
        }

        if (!wrote)
        {
            return;
        }

        active.Flush(flushToDisk: true);
        Publish();

        // Roll before the appends complete, so a caller that sees its append done also sees the segment that follows it.
        // The records are durable already: a failed roll still completes them, and only later appends fail.
        Exception? rollFailure = null;
        if (openCount == 0 && active.Length >= Options.SegmentBytes)
        {
            try
            {
                Roll();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                rollFailure = ex;
            }
        }

        for (int p = 0; p < batch.Count; p++)
        {
            batch[p].Completion.TrySetResult(offsets[p]);
        }

        if (rollFailure is not null)
        {
            throw rollFailure;
        }
    }

    private void Publish()
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            durableEnd = nextOffset;
            signal = durableSignal;
            durableSignal = NewSignal();
        }

        signal.TrySetResult();
    }

    private void Roll()
    {
        var segment = LogSegment.For(Directory, nextOffset);
        var stream = new FileStream(segment.Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        DirectorySync.Flush(Directory);
        lock (gate)
        {
            segments.Add(segment);
        }

        active.Dispose();
        active = stream;
    }

    private sealed record PendingAppend(byte[][] Records, TaskCompletionSource<long[]> Completion);
}
