using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OnnxOll.Clip.Tiny;
using OnnxOll.Streams.Log;
using OnnxOll.TestSupport.Images;
using OnnxOll.TestSupport.Models;
using OnnxOll.TestSupport.Runs;

namespace OnnxOll.Cli.Tests.Serve;

public sealed class ServeKillTests : IDisposable
{
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";
    private const int Batch = 4;
    private readonly TinyModelFolder tiny = new(seed: 11);

    [Fact]
    public async Task SigkillDuringConcurrentIngestThenRestartTrainsEveryAcknowledgedObservationOnceAndMatchesAnUninterruptedServer()
    {
        int seed = Environment.TickCount & 0xffff;
        int killAfter = new Random(seed).Next(10, 40);
        string cache = Path.Combine(tiny.Root, "cache");
        string run = Path.Combine(tiny.Root, "run");
        var acknowledged = new ConcurrentDictionary<long, string>();

        using (var server = ServeProcess.Start(cache, Args(run)))
        {
            using var stop = new CancellationTokenSource();
            var clients = Enumerable.Range(0, 4).Select(c => Task.Run(() => Ingest(server.Http, c, acknowledged, stop.Token))).ToArray();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (acknowledged.Count < killAfter)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {acknowledged.Count} observations acknowledged (seed {seed})");
                await Task.Delay(5);
            }

            server.Kill();
            stop.Cancel();
            await Task.WhenAll(clients);
        }

        JsonElement restarted;
        using (var server = ServeProcess.Start(cache, Args(run)))
        {
            restarted = await server.WaitUntilLearned(TimeSpan.FromMinutes(2));
            server.Kill();
        }

        var logged = ReadLog(Path.Combine(run, "ingest"));
        foreach (var (offset, label) in acknowledged)
        {
            Assert.True(logged.TryGetValue(offset, out var record), $"acknowledged offset {offset} is not in the log (seed {seed}, killed after {killAfter})");
            Assert.Equal(label, record);
        }

        Assert.Equal(logged.Count, restarted.GetProperty("samples_learned").GetInt64());

        string reference = Path.Combine(tiny.Root, "reference");
        Directory.CreateDirectory(Path.Combine(reference, "ingest"));
        foreach (var file in Directory.GetFiles(Path.Combine(run, "ingest")))
        {
            File.Copy(file, Path.Combine(reference, "ingest", Path.GetFileName(file)));
        }

        using (var server = ServeProcess.Start(cache, Args(reference)))
        {
            await server.WaitUntilLearned(TimeSpan.FromMinutes(2));
            server.Kill();
        }

        var (_, actual) = ResumedRun.AssertSameLatest(reference, run, tiny.ModelDirectory, Pet, $"against the uninterrupted server, seed {seed}, killed after {killAfter} acknowledgements");
        Assert.Equal(logged.Count, actual.Counters["samples_seen"]);
    }

    public void Dispose() => tiny.Dispose();

    private string[] Args(string run) =>
    [
        "serve", "--model", tiny.ModelDirectory, "--out", run, "--port", "0", "--pet", Pet, "--batch", Batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--iters", "2", "--lr", "0.01", "--max-wait-ms", "200", "--replay-window", "3600", "--threads", "1",
    ];

    private static async Task Ingest(HttpClient http, int client, ConcurrentDictionary<long, string> acknowledged, CancellationToken stop)
    {
        string[] labels = ["red", "green", "blue", "yellow"];
        for (int i = 0; !stop.IsCancellationRequested; i++)
        {
            string label = labels[(client + i) % labels.Length];
            var content = new ByteArrayContent(Bitmap.Random(16, 16, seed: (client * 1000) + i));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/bmp");
            try
            {
                var response = await http.PostAsync($"/v1/observations?label={label}", content, stop);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>(stop);
                    acknowledged[body.GetProperty("offsets")[0].GetInt64()] = label;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                return;
            }
        }
    }

    private static Dictionary<long, string> ReadLog(string directory)
    {
        var observations = new Dictionary<long, string>();
        using var log = IngestLog.Open(directory, new IngestLogOptions { BatchSize = Batch });
        using var reader = log.OpenReader(log.FirstOffset);
        while (reader.TryRead(out var record))
        {
            if (record.Kind == LogRecordKind.Observation)
            {
                observations[record.Offset] = record.Label;
            }
        }

        return observations;
    }
}
