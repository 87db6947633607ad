using StackExchange.Redis;

namespace OnnxOll.Streams.Redis;

/// <summary>Connects to the Redis server a stream spec names, failing fast with one line that names the address.</summary>
public static class RedisConnection
{
    /// <summary>A connection to <paramref name="spec"/>'s server (5 s timeout, no background retry when it is down).</summary>
    /// <exception cref="IOException">Redis cannot be reached (names the address).</exception>
    public static ConnectionMultiplexer Connect(RedisStreamSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            return ConnectionMultiplexer.Connect(new ConfigurationOptions { EndPoints = { { spec.Host, spec.Port } }, ConnectTimeout = 5000, AbortOnConnectFail = true });
        }
        catch (RedisConnectionException e)
        {
            // The client's message goes on to advise code changes (abortConnect=false ...), which are no use to a user: keep its first sentence.
            string reason = e.Message.Split('\n')[0].Split(". ")[0].TrimEnd('.');
            throw new IOException($"{RedisStreamSpec.Scheme}{spec.Host}:{spec.Port}: cannot connect to Redis ({reason}); is the server running there?", e);
        }
    }
}
