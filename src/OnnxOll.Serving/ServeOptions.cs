using System.Net;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner;
using OnnxOll.Runtime;
using OnnxOll.Streams.Log;

namespace OnnxOll.Serving;

/// <summary>Settings of the live learning service: model, run folder, learner, ingest log, network and limits.</summary>
public sealed record ServeOptions
{
    /// <summary>The CLIP folder.</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>The run folder: checkpoints, metrics and the ingest log (<c>ingest/</c>).</summary>
    public required string RunDirectory { get; init; }

    /// <summary>A Redis stream to learn from and add accepted observations to (<c>redis://HOST:PORT/STREAM?group=G</c>), or null
    /// for the run's own ingest log.</summary>
    public string? Data { get; init; }

    /// <summary>The PET tensors learned.</summary>
    public PetSpec Pet { get; init; } = PetSpec.Parse("lora:r=4,alpha=1,towers=both,layers=all,targets=q+v");

    /// <summary>Learner settings; the batch size is also the ingest log's micro-batch size.</summary>
    public LearnerOptions Learner { get; init; } = new() { EvalEvery = 0, CheckpointEvery = 1 };

    /// <summary>How long a partial micro-batch waits for more observations.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Observations logged but not yet learned beyond which ingest answers 429.</summary>
    public long MaxLag { get; init; } = 4096;

    /// <summary>How long log segments covered by a checkpoint are kept for replay (zero: deleted at once).</summary>
    public TimeSpan ReplayWindow { get; init; } = TimeSpan.Zero;

    /// <summary>Address to listen on (loopback unless asked otherwise).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 picks a free one.</summary>
    public int Port { get; init; } = 8080;

    /// <summary>Bearer token required by ingest and the adapter download, or null for none.</summary>
    public string? Token { get; init; }

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxRequestBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Session settings of the model's graphs.</summary>
    public SessionSettings Sessions { get; init; } = SessionSettings.Default;

    /// <summary>Precision of the frozen backbone's linear weights.</summary>
    public FrozenPrecision Frozen { get; init; } = FrozenPrecision.Float32;

    /// <summary>The ingest log settings these options imply.</summary>
    public IngestLogOptions LogOptions => new()
    {
        BatchSize = Learner.BatchSize,
        MaxWait = MaxWait,
        MaxLag = MaxLag,
        ReplayWindow = ReplayWindow,
    };
}
