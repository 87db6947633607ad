using OnnxOll.Streams.Redis;
using OnnxOll.Streams.Sources;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Streams;

/// <summary>Opens any stream spec: a data set (<c>folder:</c>, <c>tar:</c>, <c>idx:</c>, <c>cifar10:</c>, <c>cifar100:</c>,
/// <c>synthetic...</c>), a Redis stream (<c>redis://...</c>) or a run's ingest log (<c>ingest-log</c>).</summary>
public static class StreamSpecs
{
    /// <summary>Refuses, before anything is opened, a spec that names neither the ingest log nor a well-formed Redis stream.</summary>
    /// <exception cref="ArgumentException">The spec is not a live one, or is malformed (the message names it).</exception>
    public static void CheckLive(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec != IngestLogSource.Spec)
        {
            _ = RedisStreamSpec.Parse(spec);
        }
    }

    /// <summary>Opens <paramref name="spec"/>: a data set's train/test splits, or a live observation source read in micro-batches.</summary>
    /// <exception cref="ArgumentException">The spec is malformed, or names the ingest log without <see cref="LiveStreamOptions.LogDirectory"/>.</exception>
    /// <exception cref="IOException">Redis cannot be reached, or the data cannot be read.</exception>
    public static OpenedStream Open(string spec, LiveStreamOptions live)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(live);
        if (RedisStreamSpec.IsRedis(spec))
        {
            return new OpenedStream(null, RedisObservationSource.Open(spec, live.BatchSize));
        }

        if (spec == IngestLogSource.Spec)
        {
            return live.LogDirectory is { } directory
                ? new OpenedStream(null, IngestLogSource.Open(directory, live.Log))
                : throw new ArgumentException($"--data '{spec}': the ingest log is a service run's own; learn a data set or a Redis stream.");
        }

        return new OpenedStream(DataSources.Open(spec, ["redis://HOST:PORT/STREAM"]), null);
    }
}
