using System.Globalization;
using System.Net.Sockets;

namespace OnnxOll.TestSupport.Redis;

/// <summary>The loopback Redis server of the tests (ONNXOLL_TEST_REDIS, default 127.0.0.1:6391; .ci/run starts one).</summary>
public static class LoopbackRedis
{
    public static string Address => Environment.GetEnvironmentVariable("ONNXOLL_TEST_REDIS") is { Length: > 0 } a ? a : "127.0.0.1:6391";

    public static string Host => Address.Split(':')[0];

    public static int Port => int.Parse(Address.Split(':')[1], CultureInfo.InvariantCulture);

    /// <summary>Whether a TCP connection to <see cref="Address"/> opens within half a second.</summary>
    public static bool IsReachable()
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(Host, Port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (Exception e) when (e is SocketException or AggregateException or FormatException)
        {
            return false;
        }
    }
}
