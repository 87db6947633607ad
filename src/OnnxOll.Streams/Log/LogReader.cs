namespace OnnxOll.Streams.Log;

/// <summary>Reads an <see cref="IngestLog"/> sequentially from an offset, never past the records that are on disk.</summary>
public sealed class LogReader : IDisposable
{
    private readonly IngestLog log;
    private FileStream? stream;
    private LogSegment? segment;

    internal LogReader(IngestLog log, long offset)
    {
        this.log = log;
        Next = offset;
    }

    /// <summary>Offset of the next record to read.</summary>
    public long Next { get; private set; }

    /// <summary>Reads the next durable record; false when every durable record has been read.</summary>
    /// <exception cref="InvalidDataException">A record before the durable end is damaged (names the file and offset).</exception>
    public bool TryRead(out LogRecord record)
    {
        record = null!;
        if (Next >= log.DurableEnd)
        {
            return false;
        }

        if (stream is null)
        {
            Seek();
        }

        var read = RecordCodec.TryRead(stream!, out string? problem);
        if (read is null && problem is null)
        {
            Seek();
            read = RecordCodec.TryRead(stream!, out problem);
        }

        if (read is not { } r)
        {
            throw new InvalidDataException($"{segment!.Path}: {problem ?? "unexpected end of segment"} at offset {Next}.");
        }

        record = new LogRecord(Next, r.Kind, r.Label, r.Image);
        Next++;
        return true;
    }

    /// <inheritdoc/>
    public void Dispose() => stream?.Dispose();

    private void Seek()
    {
        var target = log.SegmentFor(Next);
        stream?.Dispose();
        segment = target;
        stream = new FileStream(target.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        for (long o = target.BaseOffset; o < Next; o++)
        {
            if (RecordCodec.TryRead(stream, out string? problem) is null)
            {
                throw new InvalidDataException($"{target.Path}: {problem ?? "unexpected end of segment"} at offset {o}.");
            }
        }
    }
}
