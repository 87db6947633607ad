using System.IO.Compression;
using System.Net;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.OrtAdapters;
using OnnxOll.Deploy.Peft;
using OnnxOll.Deploy.Pet;

namespace OnnxOll.Serving.Tests;

/// <summary>GET /v1/adapter: the service hands out what it learned in the deployment formats of the Deploy library.</summary>
public sealed class AdapterEndpointTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task TheCurrentTensorsComeAsAnOnnxRuntimeAdapterAndAsAPeftFolderEqualToTheCheckpoint()
    {
        var options = fixture.Options("adapter");
        await using var server = await LiveServer.StartAsync(options);
        using var http = new HttpClient { BaseAddress = server.Address };
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await ServiceClient.Observe(http, ColourImages.Classes[i % 3], ColourImages.Bmp(i % 3, i))).StatusCode);
        }

        var status = await ServiceClient.WaitUntilLearned(http, 8, Timeout);
        long batches = status.GetProperty("batches").GetInt64();

        // The checkpoint covering every batch holds what the snapshot holds (nothing arrived since).
        var layout = new PetLayout(options.Pet, ClipConfig.Load(options.ModelDirectory));
        var checkpoint = PetSource.FromRun(options.RunDirectory, options.ModelDirectory).Load(layout);
        Assert.Contains(layout.Tensors, t => t.Name.EndsWith(".lora_B", StringComparison.Ordinal) && checkpoint[t.Name].Any(x => x != 0));

        var onnx = await http.GetAsync("/v1/adapter?graph=vision");
        Assert.Equal(HttpStatusCode.OK, onnx.StatusCode);
        Assert.Equal(options.Pet.ToString(), onnx.Headers.GetValues("X-OnnxOll-Pet-Spec").Single());
        Assert.Equal(batches.ToString(System.Globalization.CultureInfo.InvariantCulture), onnx.Headers.GetValues("X-OnnxOll-Batches").Single());
        var fromOnnx = OrtAdapterFile.Parse(await onnx.Content.ReadAsByteArrayAsync(), "/v1/adapter").Fill(layout);
        Assert.All(layout.Tensors, t => Assert.Equal(checkpoint[t.Name], fromOnnx[t.Name]));

        var peft = await http.GetAsync("/v1/adapter?format=peft");
        Assert.Equal(HttpStatusCode.OK, peft.StatusCode);
        Assert.Equal("application/zip", peft.Content.Headers.ContentType!.MediaType);
        string folder = Path.Combine(fixture.Root, "downloaded-peft");
        ZipFile.ExtractToDirectory(await peft.Content.ReadAsStreamAsync(), folder);
        var adapter = PeftAdapterFolder.Read(folder);
        Assert.Equal(options.Pet.ToString(), adapter.Spec.ToString());
        Assert.Equal(status.GetProperty("classes").EnumerateArray().Select(c => c.GetString()), adapter.Classes!);
        var fromPeft = adapter.Tensors.Fill(layout);
        Assert.All(layout.Tensors, t => Assert.Equal(checkpoint[t.Name], fromPeft[t.Name]));

        // The spec adapts the image tower only; unknown formats and graphs get one clear line.
        foreach (var (query, field) in new[] { ("graph=text", "graph"), ("format=xml", "format"), ("format=peft&graph=vision", "graph") })
        {
            var bad = await http.GetAsync("/v1/adapter?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains(field, (await ServiceClient.Json(bad)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WithATokenTheAdapterNeedsItAsIngestDoes()
    {
        await using var server = await LiveServer.StartAsync(fixture.Options("adapter-token") with { Token = "s3cret" });
        using var http = new HttpClient { BaseAddress = server.Address };
        var refused = await http.GetAsync("/v1/adapter");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("bearer token", (await ServiceClient.Json(refused)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/v1/adapter")).StatusCode);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "s3cret");
        var adapter = await http.GetAsync("/v1/adapter?graph=vision");
        Assert.Equal(HttpStatusCode.OK, adapter.StatusCode);
        Assert.NotEmpty(await adapter.Content.ReadAsByteArrayAsync());
    }
}
