using System.Globalization;
using System.Text.Json.Nodes;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Streams.Data;
using StbImageWriteSharp;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>Replay (<c>replay:memory=K,loss=all|sit,batch=N</c>): a reservoir memory of K stream samples (the official SIT code's
/// memory_size), N of them (default: the batch size) drawn without replacement into each batch plan; with <c>loss=all</c> those
/// batches use the all-seen loss, as the official code does with replay.</summary>
/// <remarks>Images are kept as their encoded bytes (raw pixels as PNG) in <c>replay/</c> of the run folder, one immutable file per
/// admitted sample, written atomically; the checkpointed state names the files and their labels. A file evicted from the memory is
/// deleted only once no kept checkpoint names it, so a run killed at any point resumes with exactly its memory. The reservoir's
/// generator is seeded from the run seed and checkpointed.</remarks>
public sealed class ReplayMemory : LearnerPlugin
{
    /// <summary>The run folder's subfolder that holds the memory's images.</summary>
    public const string FolderName = "replay";

    private const ulong SeedSalt = 0x5245504C4159UL;
    private readonly int capacity, perBatch;
    private readonly LossKind? loss;
    private readonly string folder;
    private readonly CheckpointStore checkpoints;
    private readonly SamplePreparer preparer;
    private readonly float[][] replayPixels;
    private readonly List<(string Label, string File)> memory = [];
    private readonly List<(string File, long Step)> evicted = [];
    private readonly List<int> order = [];
    private readonly ReservoirSampler reservoir;

    private ReplayMemory(MethodSpec spec, MethodHost host)
    {
        capacity = spec.Integer("memory", 1);
        loss = spec.Choice("loss", "all", "sit") == "all" ? LossKind.All : null;
        int batch = spec.Integer("batch", 0);
        perBatch = Math.Min(batch == 0 ? host.Options.BatchSize : batch, host.PlanCapacity - host.Options.BatchSize);
        folder = Path.Combine(host.RunDirectory, FolderName);
        checkpoints = new CheckpointStore(host.RunDirectory, Math.Max(1, host.Options.KeepCheckpoints));
        preparer = new SamplePreparer(host.Model.Preprocessing);
        replayPixels = [.. Enumerable.Range(0, perBatch).Select(_ => new float[preparer.SampleLength])];
        reservoir = new ReservoirSampler(capacity, unchecked((ulong)host.Options.Seed ^ SeedSalt));
    }

    /// <summary>The catalog's <c>replay</c>: keys memory (samples kept, default 500), loss (all or sit, default all) and batch
    /// (samples replayed per batch, 0: the batch size).</summary>
    public static MethodDefinition Definition { get; } = new(
        "replay",
        [new("memory", "500"), new("loss", "all"), new("batch", "0")],
        static spec =>
        {
            spec.Integer("memory", 1);
            spec.Choice("loss", "all", "sit");
            spec.Integer("batch", 0);
        },
        static (spec, host) => new ReplayMemory(spec, host));

    /// <summary>The memory's samples: label and file name (in <see cref="FolderName"/>), by slot.</summary>
    public IReadOnlyList<(string Label, string File)> Memory => memory;

    /// <summary>Samples replayed into batch plans so far.</summary>
    public long Replayed { get; private set; }

    /// <summary>Stream samples offered to the reservoir so far.</summary>
    public long Offered => reservoir.Offered;

    /// <summary>The full path of memory file <paramref name="file"/>.</summary>
    public string PathOf(string file) => Path.Combine(folder, file);

    /// <inheritdoc/>
    public override void BeforeRun(LearnerContext context)
    {
        Directory.CreateDirectory(folder);
        foreach (var leftover in Directory.EnumerateFiles(folder, "*" + AtomicFile.TempMarker + "*"))
        {
            File.Delete(leftover);
        }
    }

    /// <inheritdoc/>
    public override void PlanBatch(LearnerContext context, BatchPlan plan)
    {
        context.BatchLoss = loss ?? context.BatchLoss;
        Replay(plan);
        long step = context.State.Batches + 1;
        foreach (var sample in context.Batch!.Samples)
        {
            Offer(sample, step);
        }
    }

    /// <inheritdoc/>
    public override void AfterBatch(LearnerContext context)
    {
        if (context.Options.CheckpointEvery == 0)
        {
            DeleteEvicted(long.MaxValue);
        }
    }

    /// <inheritdoc/>
    public override void AfterCheckpoint(LearnerContext context)
    {
        var steps = checkpoints.ListSteps();
        DeleteEvicted(steps.Count == 0 ? long.MaxValue : steps[0]);
    }

    /// <summary>The memory's size, the samples replayed and offered, and the memory's bytes on disk in all and per sample.</summary>
    public override IReadOnlyDictionary<string, double>? SummaryMetrics(LearnerContext context)
    {
        long bytes = memory.Sum(m => new FileInfo(PathOf(m.File)).Length);
        return new Dictionary<string, double>
        {
            ["memory_samples"] = memory.Count,
            ["replayed"] = Replayed,
            ["offered"] = reservoir.Offered,
            ["disk_bytes"] = bytes,
            ["disk_bytes_per_sample"] = memory.Count == 0 ? 0 : bytes / (double)memory.Count,
        };
    }

    /// <inheritdoc/>
    public override PluginState? SaveState(LearnerContext context) => new(new JsonObject
    {
        ["random"] = reservoir.State.ToString(CultureInfo.InvariantCulture),
        ["offered"] = reservoir.Offered,
        ["replayed"] = Replayed,
        ["labels"] = new JsonArray([.. memory.Select(m => (JsonNode?)m.Label)]),
        ["files"] = new JsonArray([.. memory.Select(m => (JsonNode?)m.File)]),
        ["evicted_files"] = new JsonArray([.. evicted.Select(e => (JsonNode?)e.File)]),
        ["evicted_steps"] = new JsonArray([.. evicted.Select(e => (JsonNode?)e.Step)]),
    }, []);

    /// <inheritdoc/>
    public override void RestoreState(LearnerContext context, PluginState state)
    {
        string where = context.LastCheckpoint ?? "checkpoint";
        try
        {
            var json = state.Json!.AsObject();
            reservoir.Restore(ulong.Parse(json["random"]!.GetValue<string>(), CultureInfo.InvariantCulture), json["offered"]!.GetValue<long>());
            Replayed = json["replayed"]!.GetValue<long>();
            var labels = json["labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToArray();
            var files = json["files"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray();
            var evictedFiles = json["evicted_files"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray();
            var evictedSteps = json["evicted_steps"]!.AsArray().Select(s => s!.GetValue<long>()).ToArray();
            if (labels.Length != files.Length || labels.Length > capacity || evictedFiles.Length != evictedSteps.Length)
            {
                throw new InvalidDataException($"{where}: replay state holds {labels.Length} labels, {files.Length} files and {evictedFiles.Length} evicted files for {evictedSteps.Length} steps (memory={capacity}).");
            }

            memory.Clear();
            memory.AddRange(labels.Zip(files));
            evicted.Clear();
            evicted.AddRange(evictedFiles.Zip(evictedSteps));
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or OverflowException)
        {
            throw new InvalidDataException($"{where}: the replay state is malformed ({e.Message}).", e);
        }

        if (memory.FirstOrDefault(m => !File.Exists(PathOf(m.File))) is { File: not null } missing)
        {
            throw new InvalidDataException($"{where}: replay memory file '{PathOf(missing.File)}' is missing.");
        }
    }

    private void Replay(BatchPlan plan)
    {
        int count = Math.Min(Math.Min(perBatch, memory.Count), plan.Capacity - plan.Samples.Count);
        order.Clear();
        order.AddRange(Enumerable.Range(0, memory.Count));
        for (int i = 0; i < count; i++)
        {
            int j = i + reservoir.Below(memory.Count - i);
            (order[i], order[j]) = (order[j], order[i]);
            var (label, file) = memory[order[i]];
            string path = PathOf(file);
            preparer.Prepare(LabelledSample.FromEncoded(label, File.ReadAllBytes(path), path), replayPixels[i], 0);
            plan.Add(new PlannedSample(label, replayPixels[i], FromStream: false));
            Replayed++;
        }
    }

    /// <summary>Offers a stream sample to the reservoir; a kept one is written to its own file.</summary>
    private void Offer(PreparedSample<float[]> sample, long step)
    {
        int slot = reservoir.Offer();
        if (slot < 0)
        {
            return;
        }

        string file = reservoir.Offered.ToString("D10", CultureInfo.InvariantCulture) + ".img";
        var bytes = Encoded(sample);
        AtomicFile.Write(PathOf(file), s => s.Write(bytes));
        if (slot == memory.Count)
        {
            memory.Add((sample.Label, file));
        }
        else
        {
            evicted.Add((memory[slot].File, step));
            memory[slot] = (sample.Label, file);
        }
    }

    private void DeleteEvicted(long oldestKeptStep)
    {
        foreach (var (file, _) in evicted.Where(e => e.Step <= oldestKeptStep))
        {
            File.Delete(PathOf(file));
        }

        evicted.RemoveAll(e => e.Step <= oldestKeptStep);
    }

    private static byte[] Encoded(PreparedSample<float[]> sample)
    {
        switch (sample.Source)
        {
            case { EncodedBytes: { } encoded }:
                return encoded;
            case { Pixels: { } raw }:
                using (var png = new MemoryStream())
                {
                    var components = raw.Channels switch
                    {
                        1 => ColorComponents.Grey,
                        2 => ColorComponents.GreyAlpha,
                        3 => ColorComponents.RedGreenBlue,
                        _ => ColorComponents.RedGreenBlueAlpha,
                    };
                    new ImageWriter().WritePng(raw.Pixels, raw.Width, raw.Height, components, png);
                    return png.ToArray();
                }

            default:
                throw new InvalidOperationException($"replay: a sample of class '{sample.Label}' carries no payload to keep (its stream does not set PreparedSample.Source).");
        }
    }
}
