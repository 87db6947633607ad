namespace OnnxOll.TestSupport.Redis;

/// <summary>A fact that needs the loopback Redis server (<see cref="LoopbackRedis"/>) and is skipped, with one line, when none answers.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (!LoopbackRedis.IsReachable())
        {
            Skip = $"no Redis at {LoopbackRedis.Address} (set ONNXOLL_TEST_REDIS=HOST:PORT; .ci/run starts one)";
        }
    }
}
