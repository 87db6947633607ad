using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace OnnxOll.Serving.Tests;

public sealed class LoadTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    // Bounded: 4 ingest clients × 40 observations, 2 predict clients while they run. Set ONNXOLL_LOAD_PER_CLIENT for a longer run.
    private static readonly int PerClient = int.TryParse(Environment.GetEnvironmentVariable("ONNXOLL_LOAD_PER_CLIENT"), out int n) ? n : 40;

    [Fact]
    public async Task ConcurrentIngestAndPredictLoseAndDuplicateNothing()
    {
        var options = fixture.Options("load") with { Learner = fixture.Options("load").Learner with { BatchSize = 16 }, MaxLag = 100_000 };
        await using var server = await LiveServer.StartAsync(options);
        using var http = new HttpClient { BaseAddress = server.Address };
        var offsets = new ConcurrentBag<long>();
        var latencies = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        var ingest = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (int i = 0; i < PerClient; i++)
            {
                int cls = (c + i) % 4;
                var response = await ServiceClient.Observe(http, ColourImages.Classes[cls], ColourImages.Bmp(cls, (c * 100_000) + i));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                foreach (var o in (await ServiceClient.Json(response)).GetProperty("offsets").EnumerateArray())
                {
                    offsets.Add(o.GetInt64());
                }
            }
        })).ToArray();
        var ingestDone = Task.WhenAll(ingest);
        var predict = Enumerable.Range(0, 2).Select(c => Task.Run(async () =>
        {
            var image = ColourImages.Bmp(c, 7);
            while (!ingestDone.IsCompleted)
            {
                var timer = Stopwatch.StartNew();
                var response = await http.PostAsync("/v1/predict?labels=red,green,blue,yellow", ServiceClient.Raw(image));
                latencies.Add(timer.Elapsed.TotalMilliseconds);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        })).ToArray();
        await ingestDone;
        double ingestSeconds = clock.Elapsed.TotalSeconds;
        await Task.WhenAll(predict);
        var status = await ServiceClient.WaitUntilLearned(http, 4 * PerClient, TimeSpan.FromMinutes(5));
        double learnSeconds = clock.Elapsed.TotalSeconds;

        int total = 4 * PerClient;
        Assert.Equal(total, offsets.Count);
        Assert.Equal(total, offsets.Distinct().Count());
        Assert.Equal(total, status.GetProperty("samples_learned").GetInt64());
        var sorted = latencies.Order().ToArray();
        Assert.NotEmpty(sorted);
        output.WriteLine(
            $"load: {total} observations from 4 clients in {ingestSeconds:F2} s = {total / ingestSeconds:F0} obs/s acknowledged; "
            + $"{sorted.Length} predictions from 2 clients meanwhile: p50 {Percentile(sorted, 0.50):F1} ms, p99 {Percentile(sorted, 0.99):F1} ms; "
            + $"all learned after {learnSeconds:F2} s ({status.GetProperty("batches").GetInt64()} batches); lost 0, duplicated 0");
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
