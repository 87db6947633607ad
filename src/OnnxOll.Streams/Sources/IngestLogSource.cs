using OnnxOll.Streams.Data;
using OnnxOll.Streams.Log;

namespace OnnxOll.Streams.Sources;

/// <summary>The run's own durable ingest log (<c>ingest/</c> in the run folder): an append is flushed to disk before it is acknowledged.</summary>
public sealed class IngestLogSource(IngestLog log) : IObservationSource
{
    /// <summary>The data spec recorded in the run's settings.</summary>
    public const string Spec = "ingest-log";

    /// <inheritdoc/>
    public string DataSpec => Spec;

    /// <inheritdoc/>
    public string? Recovery => log.Recovery;

    /// <summary>Opens (and recovers) the log in <paramref name="directory"/>.</summary>
    public static IngestLogSource Open(string directory, IngestLogOptions options) => new(IngestLog.Open(directory, options));

    /// <inheritdoc/>
    public SourceCounters Counters() => new(log.DurableEnd, log.Consumed, log.Lag);

    /// <inheritdoc/>
    public async Task<IngestReceipt> AppendAsync(IReadOnlyList<Observation> observations) =>
        new(await log.AppendAsync(observations).ConfigureAwait(false), null);

    /// <inheritdoc/>
    public ILearnerStream OpenStream(long cursor, Func<LabelledSample, float[]> prepare, Action<string> note) =>
        new IngestLogStream(log, cursor, prepare, note);

    /// <inheritdoc/>
    public void Dispose() => log.Dispose();
}
