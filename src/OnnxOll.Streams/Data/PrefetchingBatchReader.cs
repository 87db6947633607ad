using System.Threading.Channels;
using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Streams.Data;

/// <summary>Reads and prepares stream samples on a background task into a bounded queue of batches, so training does not wait on decoding.</summary>
/// <remarks>
/// The caller's delegate decodes and preprocesses one sample; if it throws, the sample is skipped with a warning
/// (or, in strict mode, the stream fails naming the sample). Source read errors always fail the stream.
/// Failures surface on the consumer's next read. Dispose stops the producer and waits for it.
/// </remarks>
public sealed class PrefetchingBatchReader<TItem> : IDisposable
{
    private readonly Channel<SampleBatch<TItem>> channel;
    private readonly CancellationTokenSource stop;
    private readonly Task producer;
    private int skipped;
    private bool disposed;

    /// <summary>Starts prefetching <paramref name="stream"/> from position <paramref name="startPosition"/> (a resume cursor).</summary>
    public PrefetchingBatchReader(
        ILabelledSampleSource source,
        IReadOnlyList<StreamEntry> stream,
        Func<LabelledSample, TItem> prepare,
        PrefetchOptions? options = null,
        long startPosition = 0,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(prepare);
        options ??= new PrefetchOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(startPosition);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(startPosition, stream.Count);
        channel = Channel.CreateBounded<SampleBatch<TItem>>(
            new BoundedChannelOptions(options.Capacity) { SingleReader = true, SingleWriter = true });
        stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = stop.Token;
        producer = Task.Run(() => ProduceAsync(source, stream, prepare, options, (int)startPosition, token), CancellationToken.None);
    }

    /// <summary>Samples skipped so far because preparation failed.</summary>
    public int SkippedCount => Volatile.Read(ref skipped);

    /// <summary>The next batch, or null at the end of the stream; rethrows a producer failure.</summary>
    public SampleBatch<TItem>? ReadBatch(CancellationToken cancellationToken = default) =>
        ReadBatchAsync(cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>The next batch, or null at the end of the stream; rethrows a producer failure.</summary>
    public async ValueTask<SampleBatch<TItem>?> ReadBatchAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (channel.Reader.TryRead(out var batch))
            {
                return batch;
            }
        }

        return null;
    }

    /// <summary>Stops the producer and waits for it to finish.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        stop.Cancel();
        try
        {
            producer.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private async Task ProduceAsync(
        ILabelledSampleSource source,
        IReadOnlyList<StreamEntry> stream,
        Func<LabelledSample, TItem> prepare,
        PrefetchOptions options,
        int start,
        CancellationToken token)
    {
        try
        {
            var batch = new List<PreparedSample<TItem>>(options.BatchSize);
            int batchTask = start < stream.Count ? stream[start].Task : 0;
            for (int position = start; position < stream.Count; position++)
            {
                token.ThrowIfCancellationRequested();
                var entry = stream[position];
                if (entry.Task != batchTask && batch.Count > 0)
                {
                    await WriteAsync(batchTask, batch, position, token).ConfigureAwait(false);
                    batch = new List<PreparedSample<TItem>>(options.BatchSize);
                }

                batchTask = entry.Task;
                var sample = source.Read(entry.SampleIndex);
                if (TryPrepare(sample, prepare, options, position, out var item))
                {
                    batch.Add(new PreparedSample<TItem>(entry, sample.Label, item) { Source = sample });
                }

                if (batch.Count == options.BatchSize)
                {
                    await WriteAsync(batchTask, batch, position + 1, token).ConfigureAwait(false);
                    batch = new List<PreparedSample<TItem>>(options.BatchSize);
                }
            }

            if (batch.Count > 0)
            {
                await WriteAsync(batchTask, batch, stream.Count, token).ConfigureAwait(false);
            }

            channel.Writer.Complete();
        }
        catch (Exception ex)
        {
            channel.Writer.TryComplete(ex);
            if (ex is OperationCanceledException)
            {
                throw;
            }
        }
    }

    private bool TryPrepare(LabelledSample sample, Func<LabelledSample, TItem> prepare, PrefetchOptions options, int position, out TItem item)
    {
        try
        {
            item = prepare(sample);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            string message = $"Sample '{sample.SourceName}' at stream position {position} could not be prepared: {ex.Message}";
            if (options.Strict)
            {
                throw new InvalidDataException(message, ex);
            }

            Interlocked.Increment(ref skipped);
            options.Warning?.Invoke("Skipped: " + message);
            item = default!;
            return false;
        }
    }

    private ValueTask WriteAsync(int task, List<PreparedSample<TItem>> samples, long endPosition, CancellationToken token) =>
        channel.Writer.WriteAsync(new SampleBatch<TItem>(task, samples, endPosition), token);
}
