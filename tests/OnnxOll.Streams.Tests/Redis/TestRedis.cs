using System.Net.Sockets;
using StackExchange.Redis;

namespace OnnxOll.Streams.Tests.Redis;

/// <summary>The loopback Redis server the tests use, and fresh stream keys on it.</summary>
public static class TestRedis
{
    public static string Address => Environment.GetEnvironmentVariable("ONNXOLL_TEST_REDIS") is { Length: > 0 } a ? a : "127.0.0.1:6391";

    public static string Host => Address.Split(':')[0];

    public static int Port => int.Parse(Address.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);

    public static bool IsReachable()
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(Host, Port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (Exception e) when (e is SocketException or AggregateException)
        {
            return false;
        }
    }

    public static ConnectionMultiplexer Connect() => ConnectionMultiplexer.Connect(Address);

    public static string NewStream() => "onnxoll-test-" + Guid.NewGuid().ToString("N")[..8];

    public static string Spec(string stream, string group, string extra = "") => $"redis://{Address}/{stream}?group={group}{extra}";
}
