using OnnxOll.Streams.Data;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Log;

namespace OnnxOll.Streams;

/// <summary>The ingest log as a learner stream: micro-batches as the log frames them, waiting for records as they arrive.</summary>
/// <remarks>A batch is returned only once it is closed (full, or sealed by the log), so the batches depend on the log
/// alone. A checkpoint's commit releases the segments it covers.</remarks>
public sealed class IngestLogStream : ILearnerStream
{
    private readonly IngestLog log;
    private readonly LogReader reader;
    private readonly Func<LabelledSample, float[]> prepare;
    private readonly Action<string>? warning;
    private readonly List<PreparedSample<float[]>> pending = [];
    private int skipped;

    /// <summary>Streams <paramref name="log"/> from <paramref name="cursor"/> (a checkpoint's, always at a batch boundary).</summary>
    public IngestLogStream(IngestLog log, long cursor, Func<LabelledSample, float[]> prepare, Action<string>? warning = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        this.log = log;
        this.prepare = prepare;
        this.warning = warning;
        reader = log.OpenReader(cursor);
        log.ReportConsumed(cursor);
    }

    /// <inheritdoc/>
    public string Name => log.Directory;

    /// <inheritdoc/>
    public long? Length => null;

    /// <inheritdoc/>
    public int SkippedCount => skipped;

    /// <inheritdoc/>
    public SampleBatch<float[]>? ReadBatch(CancellationToken cancellationToken)
    {
        int observations = 0;
        pending.Clear();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (reader.TryRead(out var record))
            {
                if (record.Kind == LogRecordKind.Observation)
                {
                    observations++;
                    Prepare(record);
                }

                if (record.Kind == LogRecordKind.Seal || observations == log.Options.BatchSize)
                {
                    log.ReportConsumed(reader.Next);
                    return new SampleBatch<float[]>(0, pending.ToArray(), reader.Next);
                }
            }

            log.WaitBeyondAsync(reader.Next, cancellationToken).GetAwaiter().GetResult();
        }
    }

    /// <inheritdoc/>
    public void Commit(long cursor) => log.Release(cursor);

    /// <inheritdoc/>
    public void Dispose() => reader.Dispose();

    private void Prepare(LogRecord record)
    {
        var sample = LabelledSample.FromEncoded(record.Label, record.Image, $"{log.Directory} offset {record.Offset}");
        try
        {
            var entry = new StreamEntry((int)Math.Min(record.Offset, int.MaxValue), 0);
            pending.Add(new PreparedSample<float[]>(entry, record.Label, prepare(sample)) { Source = sample });
        }
        catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or ArgumentException)
        {
            skipped++;
            warning?.Invoke($"Skipped: {sample.SourceName} could not be prepared: {ex.Message}");
        }
    }
}
