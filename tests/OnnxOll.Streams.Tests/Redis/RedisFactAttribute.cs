namespace OnnxOll.Streams.Tests.Redis;

/// <summary>A fact that needs a Redis server on loopback (ONNXOLL_TEST_REDIS, default 127.0.0.1:6391; .ci/run starts one) and is skipped, with one line, when none answers.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (!TestRedis.IsReachable())
        {
            Skip = $"no Redis at {TestRedis.Address} (set ONNXOLL_TEST_REDIS=HOST:PORT; .ci/run starts one)";
        }
    }
}
