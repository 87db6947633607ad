using OnnxOll.TestSupport.Redis;
using StackExchange.Redis;

namespace OnnxOll.Streams.Tests.Redis;

/// <summary>Connections to the loopback Redis server the tests use, and fresh stream keys on it.</summary>
public static class TestRedis
{
    public static ConnectionMultiplexer Connect() => ConnectionMultiplexer.Connect(LoopbackRedis.Address);

    public static string NewStream() => "onnxoll-test-" + Guid.NewGuid().ToString("N")[..8];

    public static string Spec(string stream, string group, string extra = "") => $"redis://{LoopbackRedis.Address}/{stream}?group={group}{extra}";
}
