using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace OnnxOll.Serving;

/// <summary>The live learning service: ASP.NET Core minimal APIs over the durable ingest log, the learner and the predictor.</summary>
/// <remarks>Endpoints: POST /v1/observations, POST /v1/predict, GET /v1/status, GET /v1/adapter (the current PET as an ONNX Runtime or
/// PEFT adapter), GET /metrics, GET / (dashboard). With a token, ingest and the adapter (what was learned) need it.</remarks>
public sealed class LiveServer : IAsyncDisposable
{
    /// <summary>The longest query string the service reads, in characters; a longer one is answered 414 with a problem body.</summary>
    public const int MaxQueryLength = 16 * 1024;

    // Kestrel answers a request line above its own limit with a bare 414 before any handler runs; its limit sits well above
    // MaxQueryLength so that the service's handler answers (with the JSON problem body) for all but absurd request lines.
    // (Kestrel requires its 1 MiB request buffer to hold the request line plus the headers.)
    private const int KestrelRequestLineLimit = 256 * 1024;

    private const int RecentLimit = 20;
    private readonly WebApplication app;
    private readonly LiveLearner learner;
    private readonly ServeOptions options;
    private readonly ServiceMetrics metrics;
    private readonly ConcurrentQueue<RecentPrediction> recent = new();
    private bool disposed;

    private LiveServer(WebApplication app, LiveLearner learner, ServeOptions options, ServiceMetrics metrics)
    {
        this.app = app;
        this.learner = learner;
        this.options = options;
        this.metrics = metrics;
    }

    /// <summary>The address the service listens on.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Starts the learner and the HTTP server; <paramref name="note"/> receives one line per notable event (resume, recovery).</summary>
    public static async Task<LiveServer> StartAsync(ServeOptions options, Action<string>? note = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        note ??= _ => { };
        CheckAddressFree(options.Address, options.Port);
        var metrics = new ServiceMetrics();
        var learner = LiveLearner.Start(options, metrics, note);
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.Listen(options.Address, options.Port);
                k.Limits.MaxRequestBodySize = options.MaxRequestBytes;
                k.Limits.MaxRequestLineSize = KestrelRequestLineLimit;
                k.Limits.MaxRequestHeadersTotalSize = KestrelRequestLineLimit + (64 * 1024);
            });
            builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxRequestBytes);
            builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
            var app = builder.Build();
            var server = new LiveServer(app, learner, options, metrics);
            server.Map();
            await app.StartAsync().ConfigureAwait(false);
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server.Address = new Uri(address);
            return server;
        }
        catch
        {
            learner.Dispose();
            throw;
        }
    }

    /// <summary>Refuses an address and port the service could not listen on before the learner opens (and starts) the run folder.</summary>
    /// <remarks>Kestrel binds only after the learner has started; a port held by another server would otherwise fail after a checkpoint
    /// and an ingest log had been written.</remarks>
    private static void CheckAddressFree(IPAddress address, int port)
    {
        if (port == 0)
        {
            return;
        }

        try
        {
            var probe = new TcpListener(address, port);
            probe.Start();
            probe.Stop();
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            string why = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "is already in use (another server?)",
                SocketError.AddressNotAvailable => "is not an address of this machine",
                _ => "needs privileges this process lacks",
            };
            throw new IOException($"{address}:{port} {why}; choose another --port or --address. Nothing was started.", e);
        }
    }

    /// <summary>Completes when the host is asked to stop (SIGTERM, Ctrl-C).</summary>
    public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

    /// <summary>Stops accepting requests, then stops the learner (a final checkpoint) and closes the log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        await app.StopAsync().ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        learner.Dispose();
    }

    private void Map()
    {
        app.Use(async (http, next) =>
        {
            int length = http.Request.QueryString.Value?.Length ?? 0;
            if (length > MaxQueryLength)
            {
                await Results.Problem(detail: $"query string of {length} characters exceeds {MaxQueryLength}.", statusCode: StatusCodes.Status414UriTooLong)
                    .ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            await next(http).ConfigureAwait(false);
        });
        app.MapPost("/v1/observations", (Delegate)IngestAsync);
        app.MapPost("/v1/predict", (Delegate)PredictAsync);
        app.MapGet("/v1/status", () => Results.Json(learner.Status(recent.ToArray()), JsonOptions));
        app.MapGet("/v1/adapter", (Delegate)Adapter);
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapGet("/", () => Results.Stream(Dashboard(), "text/html; charset=utf-8"));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static Stream Dashboard() =>
        typeof(LiveServer).Assembly.GetManifestResourceStream("OnnxOll.Serving.Dashboard.index.html")
        ?? throw new InvalidOperationException("The dashboard resource is missing from the assembly.");

    private async Task<IResult> IngestAsync(HttpContext http)
    {
        try
        {
            Authorize(http.Request);
            long lag = learner.Source.Counters().Lag;
            if (lag >= options.MaxLag)
            {
                metrics.Rejected.WithLabels("lag").Inc();
                http.Response.Headers.RetryAfter = RetryAfterSeconds(lag).ToString(CultureInfo.InvariantCulture);
                return Results.Problem(detail: $"the learner is {lag} records behind (limit {options.MaxLag}); retry later.", statusCode: 429);
            }

            var observations = await ObservationReader.ReadAsync(http.Request, options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
            var receipt = await learner.Source.AppendAsync(observations).ConfigureAwait(false);
            metrics.Ingested.Inc(receipt.Count);
            return receipt.Ids is { } ids
                ? Results.Json(new { ids, count = receipt.Count }, JsonOptions, statusCode: 202)
                : Results.Json(new { offsets = receipt.Offsets, count = receipt.Count }, JsonOptions, statusCode: 202);
        }
        catch (RequestError error)
        {
            metrics.Rejected.WithLabels(error.Status.ToString(CultureInfo.InvariantCulture)).Inc();
            return Results.Problem(detail: error.Message, statusCode: error.Status);
        }
        catch (IOException error)
        {
            // The source could not store them (disk full, read-only, Redis gone): nothing was acknowledged.
            metrics.Rejected.WithLabels("503").Inc();
            return Results.Problem(detail: $"the source cannot store observations: {error.Message}", statusCode: 503);
        }
    }

    private async Task<IResult> PredictAsync(HttpContext http)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var snapshot = learner.Snapshot ?? throw new RequestError(503, "the learner is still starting.");
            var image = await ObservationReader.ReadImageAsync(http.Request, options.MaxRequestBytes, http.RequestAborted).ConfigureAwait(false);
            string? given = http.Request.Query["labels"].FirstOrDefault();
            var candidates = given is null
                ? snapshot.Vocabulary
                : given.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                    .Select(label => ObservationReader.CheckLabel(label, "labels")).Distinct(StringComparer.Ordinal).ToArray();
            if (candidates.Count == 0)
            {
                throw new RequestError(400, given is null ? "no class learned yet: pass candidate labels as ?labels=a,b,c." : $"labels '{given}': expected at least one comma-separated label.");
            }

            int top = int.TryParse(http.Request.Query["top"].FirstOrDefault() ?? "5", CultureInfo.InvariantCulture, out int k) && k > 0
                ? k
                : throw new RequestError(400, $"top '{http.Request.Query["top"]}': expected a positive integer.");
            var result = learner.Predictor.Predict(image, candidates, snapshot);
            metrics.PredictSeconds.Observe(clock.Elapsed.TotalSeconds);
            recent.Enqueue(new RecentPrediction(DateTime.UtcNow, result.Labels[0].Label, result.Labels[0].Probability, snapshot.Batches));
            while (recent.Count > RecentLimit && recent.TryDequeue(out _))
            {
            }

            return Results.Json(new { labels = result.Labels.Take(top), route = result.Route?.ToString().ToLowerInvariant(), batches = snapshot.Batches, samples = snapshot.Samples }, JsonOptions);
        }
        catch (RequestError error)
        {
            return Results.Problem(detail: error.Message, statusCode: error.Status);
        }
    }

    private IResult Adapter(HttpContext http)
    {
        try
        {
            Authorize(http.Request);
            var snapshot = learner.Snapshot ?? throw new RequestError(503, "the learner is still starting.");
            var (bytes, contentType, fileName) = AdapterDownload.Build(snapshot, http.Request.Query["format"].FirstOrDefault() ?? "onnx",
                http.Request.Query["graph"].FirstOrDefault() ?? "all", options);
            http.Response.Headers["X-OnnxOll-Pet-Spec"] = snapshot.Pet.Layout.Spec.ToString();
            http.Response.Headers["X-OnnxOll-Batches"] = snapshot.Batches.ToString(CultureInfo.InvariantCulture);
            return Results.File(bytes, contentType, fileName);
        }
        catch (RequestError error)
        {
            return Results.Problem(detail: error.Message, statusCode: error.Status);
        }
    }

    private void Authorize(HttpRequest request)
    {
        if (options.Token is not { Length: > 0 } token)
        {
            return;
        }

        string? header = request.Headers.Authorization.FirstOrDefault();
        if (header is null || !header.StartsWith("Bearer ", StringComparison.Ordinal)
            || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(header["Bearer ".Length..]), System.Text.Encoding.UTF8.GetBytes(token)))
        {
            metrics.Rejected.WithLabels("401").Inc();
            throw new RequestError(401, "missing or wrong bearer token (Authorization: Bearer TOKEN).");
        }
    }

    private int RetryAfterSeconds(long lag)
    {
        double perBatch = metrics.BatchSeconds.Count > 0 ? metrics.BatchSeconds.Sum / metrics.BatchSeconds.Count : 1;
        double seconds = (lag - (options.MaxLag / 2.0)) / options.Learner.BatchSize * perBatch;
        return (int)Math.Clamp(Math.Ceiling(seconds), 1, 60);
    }
}
