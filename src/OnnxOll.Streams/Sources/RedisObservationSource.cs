using OnnxOll.Streams.Data;
using OnnxOll.Streams.Log;
using OnnxOll.Streams.Redis;
using StackExchange.Redis;

namespace OnnxOll.Streams.Sources;

/// <summary>A Redis stream as the service's source: the learner reads it through its consumer group, and accepted observations are
/// added to it (XADD, all of a request's in one MULTI/EXEC), so HTTP clients and other producers feed one stream.</summary>
/// <remarks>An acknowledged observation is as durable as the Redis server's persistence makes it (appendonly with appendfsync
/// always gives the ingest log's guarantee).</remarks>
public sealed class RedisObservationSource : IObservationSource
{
    private readonly RedisStreamSpec spec;
    private readonly string dataSpec;
    private readonly ConnectionMultiplexer connection;
    private readonly IDatabase db;
    private readonly int batchSize;

    private RedisObservationSource(string dataSpec, RedisStreamSpec spec, int batchSize, ConnectionMultiplexer connection)
    {
        this.dataSpec = dataSpec;
        this.batchSize = batchSize;
        this.spec = spec;
        this.connection = connection;
        db = connection.GetDatabase();
    }

    /// <inheritdoc/>
    public string DataSpec => dataSpec;

    /// <inheritdoc/>
    public string? Recovery => null;

    /// <summary>Connects to the server <paramref name="dataSpec"/> names (<c>redis://HOST:PORT/STREAM?group=G</c>); the learner reads
    /// micro-batches of <paramref name="batchSize"/> (a partial one after the spec's <c>max_wait_ms</c>).</summary>
    /// <exception cref="IOException">Redis cannot be reached (names the address).</exception>
    public static RedisObservationSource Open(string dataSpec, int batchSize)
    {
        var spec = RedisStreamSpec.Parse(dataSpec);
        return new RedisObservationSource(dataSpec, spec, batchSize, RedisConnection.Connect(spec));
    }

    /// <inheritdoc/>
    public SourceCounters Counters()
    {
        var group = db.StreamGroupInfo(spec.Stream).FirstOrDefault(g => g.Name == spec.Group);
        long read = group.EntriesRead ?? 0;
        long lag = group.Lag ?? Math.Max(0, db.StreamLength(spec.Stream) - read);
        return new SourceCounters(read + lag, read, lag);
    }

    /// <inheritdoc/>
    public async Task<IngestReceipt> AppendAsync(IReadOnlyList<Observation> observations)
    {
        var transaction = db.CreateTransaction();
        var adds = observations
            .Select(o => transaction.StreamAddAsync(spec.Stream, [new NameValueEntry("label", o.Label), new NameValueEntry("image", o.Image)]))
            .ToArray();
        try
        {
            if (!await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                throw new IOException($"{dataSpec}: the server refused the XADD transaction.");
            }

            var ids = await Task.WhenAll(adds).ConfigureAwait(false);
            return new IngestReceipt(null, ids.Select(id => id.ToString()).ToArray());
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new IOException($"{dataSpec}: {e.Message.Split('\n')[0]}", e);
        }
    }

    /// <inheritdoc/>
    public ILearnerStream OpenStream(long cursor, Func<LabelledSample, float[]> prepare, Action<string> note) =>
        RedisLearnerStream.Open(spec, batchSize, cursor, prepare, note);

    /// <inheritdoc/>
    public void Dispose() => connection.Dispose();
}
