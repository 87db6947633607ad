using System.Net.Sockets;

namespace OnnxOll.Cli.Tests.Learn;

/// <summary>A fact that needs a Redis server on loopback (ONNXOLL_TEST_REDIS, default 127.0.0.1:6391; .ci/run starts one) and is skipped, with one line, when none answers.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (!IsReachable())
        {
            Skip = $"no Redis at {Address} (set ONNXOLL_TEST_REDIS=HOST:PORT; .ci/run starts one)";
        }
    }

    public static string Address => Environment.GetEnvironmentVariable("ONNXOLL_TEST_REDIS") is { Length: > 0 } a ? a : "127.0.0.1:6391";

    private static bool IsReachable()
    {
        try
        {
            using var client = new TcpClient();
            string[] parts = Address.Split(':');
            return client.ConnectAsync(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (Exception e) when (e is SocketException or AggregateException or FormatException)
        {
            return false;
        }
    }
}
