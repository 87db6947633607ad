using OnnxOll.Learning.Metrics;

namespace OnnxOll.Serving.Tests;

/// <summary>Status's learning curve is the run's step log: the same samples and values, and it survives a restart.</summary>
public sealed class ServiceHistoryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task TheHistoryIsReadBackFromTheMetricsLogAfterARestart()
    {
        // Two full batches of 4; a long maximum wait, so no seal cuts a batch early.
        var options = fixture.Options("history") with { MaxWait = TimeSpan.FromSeconds(30) };
        (long Samples, double Loss, double? Accuracy)[] before;
        await using (var server = await LiveServer.StartAsync(options))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            for (int i = 0; i < 8; i++)
            {
                await ServiceClient.Observe(http, ColourImages.Classes[i % 4], ColourImages.Bmp(i % 4, i));
            }

            before = Points(await ServiceClient.WaitUntilLearned(http, 8, TimeSpan.FromMinutes(2)));
        }

        var steps = MetricsLog.ReadSteps(Path.Combine(options.RunDirectory, MetricsLog.RecordsFileName));
        var logged = steps.Select(s => (s.SamplesSeen, (double)s.Loss, s.StreamAccuracy)).ToArray();
        Assert.Equal([4L, 8], logged.Select(p => p.SamplesSeen));
        Assert.All(logged, p => Assert.NotNull(p.StreamAccuracy)); // the test-then-train accuracy is in the log
        Assert.Equal(logged, before);

        await using (var server = await LiveServer.StartAsync(options))
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            var status = await ServiceClient.Status(http);
            Assert.Equal(8, status.GetProperty("samples_learned").GetInt64());
            Assert.Equal(logged, Points(status)); // not [] after the restart
        }
    }

    private static (long Samples, double Loss, double? Accuracy)[] Points(System.Text.Json.JsonElement status) =>
        [.. status.GetProperty("history").EnumerateArray().Select(p => (
            p.GetProperty("samples").GetInt64(),
            p.GetProperty("loss").GetDouble(),
            p.GetProperty("accuracy").ValueKind == System.Text.Json.JsonValueKind.Null ? (double?)null : p.GetProperty("accuracy").GetDouble()))];
}
