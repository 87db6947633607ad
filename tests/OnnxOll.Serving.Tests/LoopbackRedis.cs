using System.Net.Sockets;

namespace OnnxOll.Serving.Tests;

/// <summary>The loopback Redis server of the tests (ONNXOLL_TEST_REDIS, default 127.0.0.1:6391; .ci/run starts one).</summary>
public static class LoopbackRedis
{
    public static string Address => Environment.GetEnvironmentVariable("ONNXOLL_TEST_REDIS") is { Length: > 0 } a ? a : "127.0.0.1:6391";

    public static bool IsReachable()
    {
        try
        {
            using var client = new TcpClient();
            string[] parts = Address.Split(':');
            return client.ConnectAsync(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (Exception e) when (e is SocketException or AggregateException)
        {
            return false;
        }
    }
}
