using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OnnxOll.TestSupport.Runs;

namespace OnnxOll.Serving.Tests;

public sealed class LiveServerTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task IngestedObservationsAreLearnedAndPredictionsUseTheLearnedClasses()
    {
        // A long maximum wait: no seal record lands between the posts, so the offsets are 0..7.
        var options = fixture.Options("basic") with { MaxWait = TimeSpan.FromSeconds(30) };
        await using var server = await LiveServer.StartAsync(options);
        using var http = new HttpClient { BaseAddress = server.Address };
        Assert.True(server.Address.IsLoopback);

        var offsets = new List<long>();
        for (int i = 0; i < 6; i++)
        {
            var response = await ServiceClient.Observe(http, ColourImages.Classes[i % 3], ColourImages.Bmp(i % 3, i));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            offsets.AddRange((await ServiceClient.Json(response)).GetProperty("offsets").EnumerateArray().Select(o => o.GetInt64()));
        }

        using var form = new MultipartFormDataContent
        {
            { new StringContent("yellow"), "label" },
            { ServiceClient.Raw(ColourImages.Bmp(3, 100)), "image", "y1.bmp" },
            { new StringContent("red"), "label" },
            { ServiceClient.Raw(ColourImages.Bmp(0, 101)), "image", "r1.bmp" },
        };
        var multi = await http.PostAsync("/v1/observations", form);
        Assert.Equal(HttpStatusCode.Accepted, multi.StatusCode);
        offsets.AddRange((await ServiceClient.Json(multi)).GetProperty("offsets").EnumerateArray().Select(o => o.GetInt64()));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), offsets);

        var status = await ServiceClient.WaitUntilLearned(http, 8, Timeout);
        Assert.Equal(["red", "green", "blue", "yellow"], status.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(2, status.GetProperty("batches").GetInt64());
        Assert.Equal(2, status.GetProperty("history").GetArrayLength());

        var predict = await http.PostAsync("/v1/predict?top=2", ServiceClient.Raw(ColourImages.Bmp(1, 7)));
        Assert.Equal(HttpStatusCode.OK, predict.StatusCode);
        var result = await ServiceClient.Json(predict);
        var labels = result.GetProperty("labels").EnumerateArray().ToArray();
        Assert.Equal(2, labels.Length);
        Assert.All(labels, l => Assert.Contains(l.GetProperty("label").GetString(), ColourImages.Classes));
        Assert.True(labels[0].GetProperty("probability").GetDouble() >= labels[1].GetProperty("probability").GetDouble());
        Assert.Equal(2, result.GetProperty("batches").GetInt64());

        var chosen = await ServiceClient.Json(await http.PostAsync("/v1/predict?labels=cat,dog", ServiceClient.Raw(ColourImages.Bmp(1, 7))));
        Assert.Equal(1.0, chosen.GetProperty("labels").EnumerateArray().Sum(l => l.GetProperty("probability").GetDouble()), 5);

        string metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("onnxoll_ingested_observations_total 8", metrics, StringComparison.Ordinal);
        Assert.Contains("onnxoll_learned_samples_total 8", metrics, StringComparison.Ordinal);
        Assert.Contains("onnxoll_predict_seconds_count 2", metrics, StringComparison.Ordinal);
        string page = await http.GetStringAsync("/");
        Assert.Contains("<svg id=\"plot\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryCheckpointIsLoggedAndStoppingPrintsASummary()
    {
        var notes = new List<string>();
        var options = fixture.Options("notes") with { MaxWait = TimeSpan.FromSeconds(30) };
        var server = await LiveServer.StartAsync(options, line => { lock (notes) { notes.Add(line); } });
        try
        {
            using var http = new HttpClient { BaseAddress = server.Address };
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(HttpStatusCode.Accepted, (await ServiceClient.Observe(http, ColourImages.Classes[i % 3], ColourImages.Bmp(i % 3, i))).StatusCode);
            }

            await ServiceClient.WaitUntilLearned(http, 4, Timeout);
        }
        finally
        {
            await server.DisposeAsync();
        }

        string[] lines;
        lock (notes)
        {
            lines = [.. notes];
        }

        Assert.Contains(lines, l => l.StartsWith("checkpoint ckpt-", StringComparison.Ordinal) && l.Contains(": 4 samples in 1 batches", StringComparison.Ordinal));
        string summary = Assert.Single(lines, l => l.StartsWith("stopped:", StringComparison.Ordinal));
        Assert.StartsWith("stopped: 4 samples learned in 1 batches; checkpoint ckpt-", summary, StringComparison.Ordinal);
        Assert.EndsWith("; 0 logged observations not yet learned", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadRequestsGetOneClearErrorAndLeaveTheLogUntouched()
    {
        // No seal during the test: the only writes to the log can come from the requests.
        var options = fixture.Options("bad") with { Token = "s3cret", MaxRequestBytes = 64 * 1024, MaxWait = TimeSpan.FromHours(1) };
        await using var server = await LiveServer.StartAsync(options);
        using var http = new HttpClient { BaseAddress = server.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.Accepted, (await ServiceClient.Observe(http, "red", ColourImages.Bmp(0, 1))).StatusCode);
        string segment = Directory.GetFiles(Path.Combine(options.RunDirectory, "ingest"), "*.log").Single();
        var before = File.ReadAllBytes(segment);

        var jpeg = ColourImages.Bmp(0, 2);
        using var noToken = new HttpClient { BaseAddress = server.Address };

        // A client that waits for "100 Continue" (curl does for large bodies) hears the 413 before sending the body.
        using var large = new HttpClient { BaseAddress = server.Address };
        large.DefaultRequestHeaders.Authorization = http.DefaultRequestHeaders.Authorization;
        large.DefaultRequestHeaders.ExpectContinue = true;
        using var mismatched = new MultipartFormDataContent { { new StringContent("red"), "label" } };
        var cases = new (string Name, Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status, string Message)[]
        {
            ("corrupt image", () => ServiceClient.Observe(http, "red", [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]), HttpStatusCode.BadRequest, "truncated"),
            ("empty label", () => ServiceClient.Observe(http, "  ", jpeg), HttpStatusCode.BadRequest, "label is missing or empty"),
            ("no label", () => http.PostAsync("/v1/observations", ServiceClient.Raw(jpeg)), HttpStatusCode.BadRequest, "label is missing or empty"),
            ("oversized", () => ServiceClient.Observe(large, "red", new byte[100 * 1024]), HttpStatusCode.RequestEntityTooLarge, "exceeds the limit of 65536 bytes"),
            ("missing token", () => ServiceClient.Observe(noToken, "red", jpeg), HttpStatusCode.Unauthorized, "bearer token"),
            ("unpaired multipart", () => http.PostAsync("/v1/observations", mismatched), HttpStatusCode.BadRequest, "1 'label' fields and 0 'image' files"),
            ("huge predict label", () => http.PostAsync($"/v1/predict?labels={new string('a', 300)},b", ServiceClient.Raw(jpeg)), HttpStatusCode.BadRequest, "labels: label of 300 characters exceeds 200"),
            ("control predict label", () => http.PostAsync("/v1/predict?labels=a%00b,c", ServiceClient.Raw(jpeg)), HttpStatusCode.BadRequest, "labels: label contains a control character"),
            ("truncated multipart", () => http.PostAsync("/v1/observations", Truncated()), HttpStatusCode.BadRequest, "multipart body: truncated or malformed"),
            ("over-long query", () => http.PostAsync($"/v1/predict?labels={new string('a', 100_000)}", ServiceClient.Raw(jpeg)), HttpStatusCode.RequestUriTooLong,
                $"query string of 100008 characters exceeds {LiveServer.MaxQueryLength}"),
            ("bad top", () => http.PostAsync("/v1/predict?labels=a,b&top=x", ServiceClient.Raw(jpeg)), HttpStatusCode.BadRequest, "top 'x': expected a positive integer"),
        };
        foreach (var (name, send, status, message) in cases)
        {
            var response = await send();
            string detail = (await ServiceClient.Json(response)).GetProperty("detail").GetString()!;
            Assert.True(response.StatusCode == status, $"{name}: {response.StatusCode} {detail}");
            Assert.Contains(message, detail, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', detail);
        }

        Assert.Equal(before, File.ReadAllBytes(segment));
        var after = await ServiceClient.Status(http);
        Assert.Equal(1, after.GetProperty("log_end").GetInt64());
        Assert.Equal(0, after.GetProperty("recent_predictions").GetArrayLength());
    }

    [Fact]
    public async Task APortInUseIsRefusedBeforeTheRunFolderIsTouched()
    {
        var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var options = fixture.Options("port-in-use") with { Port = port };
            var error = await Assert.ThrowsAsync<IOException>(() => LiveServer.StartAsync(options));
            Assert.Contains($"127.0.0.1:{port} is already in use", error.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(options.RunDirectory), "the run folder was created (and checkpointed) before the bind failed");
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public async Task AModelFolderGivenAsTheRunFolderIsRefusedAndLeftAlone()
    {
        var options = fixture.Options("model-as-run") with { RunDirectory = Path.Combine(fixture.Root, "model-copy") };
        Directory.CreateDirectory(options.RunDirectory);
        foreach (var file in Directory.GetFiles(fixture.ModelDirectory))
        {
            File.Copy(file, Path.Combine(options.RunDirectory, Path.GetFileName(file)));
        }

        var before = Directory.GetFiles(options.RunDirectory).Select(Path.GetFileName).Order().ToArray();
        var error = await Assert.ThrowsAsync<OnnxOll.Learning.Runs.RunFolderException>(() => LiveServer.StartAsync(options));
        Assert.Contains("holds no run", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Directory.GetFileSystemEntries(options.RunDirectory).Select(Path.GetFileName).Order().ToArray());
    }

    [Fact]
    public async Task IngestAnswers429WithRetryAfterWhenTheLearnerFallsBehind()
    {
        // Batches of 4 that never seal: the learner cannot take the first three, so the lag reaches the bound.
        var options = fixture.Options("lag") with { MaxLag = 3, MaxWait = TimeSpan.FromHours(1) };
        await using var server = await LiveServer.StartAsync(options);
        using var http = new HttpClient { BaseAddress = server.Address };
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await ServiceClient.Observe(http, "red", ColourImages.Bmp(0, i))).StatusCode);
        }

        var refused = await ServiceClient.Observe(http, "red", ColourImages.Bmp(0, 9));

        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter?.Delta);
        Assert.Equal(3, (await ServiceClient.Status(http)).GetProperty("log_end").GetInt64());
    }

    [Fact]
    public async Task ARestartedServerResumesAtTheCheckpointedOffsetAndMatchesOneThatNeverStopped()
    {
        var restarted = fixture.Options("restarted") with { ReplayWindow = TimeSpan.FromHours(1) };
        var images = Enumerable.Range(0, 12).Select(i => (Label: ColourImages.Classes[i % 4], Image: ColourImages.Bmp(i % 4, 50 + i))).ToArray();
        await using (var first = await LiveServer.StartAsync(restarted))
        {
            using var http = new HttpClient { BaseAddress = first.Address };
            foreach (var (label, image) in images[..6])
            {
                await ServiceClient.Observe(http, label, image);
            }

            await ServiceClient.WaitUntilLearned(http, 6, Timeout);
        }

        await using (var second = await LiveServer.StartAsync(restarted))
        {
            using var http = new HttpClient { BaseAddress = second.Address };
            var resumed = await ServiceClient.Status(http);
            Assert.Equal(6, resumed.GetProperty("samples_learned").GetInt64());
            Assert.Equal(resumed.GetProperty("log_end").GetInt64(), resumed.GetProperty("checkpoint_cursor").GetInt64());
            foreach (var (label, image) in images[6..])
            {
                await ServiceClient.Observe(http, label, image);
            }

            var status = await ServiceClient.WaitUntilLearned(http, 12, Timeout);
            Assert.Equal(12, status.GetProperty("samples_learned").GetInt64());
        }

        // The reference learns a copy of the whole log (with the same batch boundaries) in one go.
        var reference = fixture.Options("reference");
        Directory.CreateDirectory(Path.Combine(reference.RunDirectory, "ingest"));
        foreach (var file in Directory.GetFiles(Path.Combine(restarted.RunDirectory, "ingest")))
        {
            File.Copy(file, Path.Combine(reference.RunDirectory, "ingest", Path.GetFileName(file)));
        }

        await using (var replay = await LiveServer.StartAsync(reference))
        {
            using var http = new HttpClient { BaseAddress = replay.Address };
            await ServiceClient.WaitUntilLearned(http, 12, Timeout);
        }

        AssertSamePet(restarted.RunDirectory, reference.RunDirectory);
    }

    [Fact]
    public async Task ASecondServerOnTheSameRunFolderIsRefusedAndTheLogUntouched()
    {
        var options = fixture.Options("owned");
        await using var server = await LiveServer.StartAsync(options);

        var error = await Assert.ThrowsAsync<OnnxOll.Learning.Runs.RunFolderException>(() => LiveServer.StartAsync(options with { Port = 0 }));

        Assert.Contains("in use by another process", error.Message, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(HttpStatusCode.Accepted, (await ServiceClient.Observe(http, "red", ColourImages.Bmp(0, 1))).StatusCode);
    }

    internal static void AssertSamePet(string actualRun, string expectedRun)
    {
        ResumedRun.AssertSameLatest(expectedRun, actualRun, Path.Combine(Path.GetDirectoryName(actualRun)!, "model"), ServerFixture.Pet, "against the uninterrupted replay");
    }

    /// <summary>A multipart body cut off inside its image part (no closing boundary).</summary>
    private static ByteArrayContent Truncated()
    {
        var content = new ByteArrayContent("--XX\r\nContent-Disposition: form-data; name=\"label\"\r\n\r\nred\r\n--XX\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.bmp\"\r\n\r\nBM"u8.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=XX");
        return content;
    }
}
