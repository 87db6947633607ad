using System.Net;
using System.Text.Json;
using OnnxOll.TestSupport.Redis;
using StackExchange.Redis;

namespace OnnxOll.Serving.Tests;

public sealed class RedisSourceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [RedisFact]
    public async Task AStreamKeyThatIsNotAStreamIsRefusedAndLeavesNoRunFolder()
    {
        string key = "onnxoll-not-a-stream-" + Guid.NewGuid().ToString("N")[..8];
        using var redis = await ConnectionMultiplexer.ConnectAsync(LoopbackRedis.Address);
        var db = redis.GetDatabase();
        await db.StringSetAsync(key, "a plain string");
        var options = fixture.Options("redis-not-a-stream") with { Data = $"redis://{LoopbackRedis.Address}/{key}?group=device-1" };
        try
        {
            await Assert.ThrowsAnyAsync<Exception>(() => LiveServer.StartAsync(options));
            Assert.False(Directory.Exists(options.RunDirectory), "a run that failed before learning anything left its folder behind");
        }
        finally
        {
            await db.KeyDeleteAsync(key);
        }
    }

    [RedisFact]
    public async Task AServerFedByARedisStreamLearnsHttpAndOtherProducersEntriesOnceAndAcknowledgesThemAfterItsCheckpoint()
    {
        string stream = "onnxoll-serve-" + Guid.NewGuid().ToString("N")[..8];
        string spec = $"redis://{LoopbackRedis.Address}/{stream}?group=device-1&max_wait_ms=200";
        var options = fixture.Options("redis") with { Data = spec };
        using var redis = await ConnectionMultiplexer.ConnectAsync(LoopbackRedis.Address);
        var db = redis.GetDatabase();

        await using (var server = await LiveServer.StartAsync(options))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            var ids = new List<string>();
            for (int i = 0; i < 8; i++)
            {
                var response = await ServiceClient.Observe(http, ColourImages.Classes[i % 4], ColourImages.Bmp(i % 4, i));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                ids.AddRange((await ServiceClient.Json(response)).GetProperty("ids").EnumerateArray().Select(id => id.GetString()!));
            }

            // Another producer writes to the same stream; the service learns its entries too.
            for (int i = 0; i < 4; i++)
            {
                await db.StreamAddAsync(stream, [new NameValueEntry("label", "red"), new NameValueEntry("image", ColourImages.Bmp(0, 20 + i))]);
            }

            Assert.Equal(8, ids.Distinct().Count());
            var status = await WaitUntilLearned(http, 12);
            Assert.Equal(spec, status.GetProperty("source").GetString());
            Assert.Equal(12, status.GetProperty("log_end").GetInt64());
            Assert.Equal(["red", "green", "blue", "yellow"], status.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
            var predict = await http.PostAsync("/v1/predict?top=1", ServiceClient.Raw(ColourImages.Bmp(2, 7)));
            Assert.Equal(HttpStatusCode.OK, predict.StatusCode);
        }

        // Stopping wrote a checkpoint covering every entry, so none is pending; a restart trains nothing again.
        Assert.Equal(0, (await db.StreamPendingAsync(stream, "device-1")).PendingMessageCount);
        await using (var server = await LiveServer.StartAsync(options))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            Assert.Equal(12, (await ServiceClient.Status(http)).GetProperty("samples_learned").GetInt64());
            Assert.Equal(HttpStatusCode.Accepted, (await ServiceClient.Observe(http, "green", ColourImages.Bmp(1, 30))).StatusCode);
            var status = await WaitUntilLearned(http, 13);
            Assert.Equal(13, status.GetProperty("samples_learned").GetInt64());
        }

        Assert.Equal(13, await db.StreamLengthAsync(stream));
        Assert.Equal(0, (await db.StreamPendingAsync(stream, "device-1")).PendingMessageCount);
        await db.KeyDeleteAsync(stream);
    }

    [RedisFact]
    public async Task ARunFolderThatLearnedFromTheIngestLogRefusesARedisSource()
    {
        var options = fixture.Options("switched");
        await using (await LiveServer.StartAsync(options))
        {
        }

        var redis = options with { Data = $"redis://{LoopbackRedis.Address}/onnxoll-serve-other?group=g" };
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => LiveServer.StartAsync(redis));
        Assert.Contains("ingest-log", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Waits until <paramref name="samples"/> were learned and nothing is waiting in the stream.</summary>
    private static async Task<JsonElement> WaitUntilLearned(HttpClient http, long samples)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var status = await ServiceClient.Status(http);
            if (status.GetProperty("samples_learned").GetInt64() >= samples && status.GetProperty("lag").GetInt64() == 0)
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not learned within {Timeout}: {status}");
            await Task.Delay(50);
        }
    }
}
