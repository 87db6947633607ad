using System.Globalization;
using System.Security.Cryptography;

namespace OnnxOll.Storage.Checkpoints;

/// <summary>Checkpoints in a run directory: <c>ckpt-&lt;step:D8&gt;.safetensors</c> (PET tensors, AdamW moments as <c>.adam_m</c>/<c>.adam_v</c>) + a JSON manifest.</summary>
/// <remarks>
/// Both files are written atomically (temp file, flush to disk, move), the manifest last, so a crash never damages an older checkpoint
/// and a checkpoint without its manifest does not exist. Loading verifies the manifest's SHA-256 and falls back to older checkpoints.
/// </remarks>
public sealed class CheckpointStore
{
    /// <summary>Suffix of first-moment tensors.</summary>
    public const string FirstMomentSuffix = CheckpointTensors.FirstMomentSuffix;

    /// <summary>Suffix of second-moment tensors.</summary>
    public const string SecondMomentSuffix = CheckpointTensors.SecondMomentSuffix;

    /// <summary>Prefix of learner-state tensors (not PET, no moments).</summary>
    public const string StatePrefix = CheckpointTensors.StatePrefix;

    /// <summary>Suffix of checkpoint files set aside by <see cref="SetAsideNewerThan"/>.</summary>
    public const string RejectedSuffix = ".rejected";

    private const string Prefix = "ckpt-";

    /// <summary>Uses <paramref name="runDirectory"/> (created when missing), keeping the newest <paramref name="keepLast"/> checkpoints.</summary>
    public CheckpointStore(string runDirectory, int keepLast = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keepLast, 1);
        Directory.CreateDirectory(runDirectory);
        RunDirectory = Path.GetFullPath(runDirectory);
        KeepLast = keepLast;
    }

    /// <summary>The run directory.</summary>
    public string RunDirectory { get; }

    /// <summary>How many checkpoints are kept.</summary>
    public int KeepLast { get; }

    /// <summary>Steps of the checkpoints whose manifest exists, oldest first.</summary>
    public IReadOnlyList<long> ListSteps() =>
        Directory.EnumerateFiles(RunDirectory, Prefix + "*.json")
            .Select(f => TryParseStep(Path.GetFileName(f)))
            .OfType<long>()
            .Order()
            .ToList();

    /// <summary>Writes a checkpoint (tensors first, manifest last), then deletes checkpoints beyond the newest <see cref="KeepLast"/>; returns the manifest path.</summary>
    public string Save(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentOutOfRangeException.ThrowIfNegative(checkpoint.Step);
        DeleteStrayTempFiles();
        string stem = Stem(checkpoint.Step);
        string tensorsPath = Path.Combine(RunDirectory, stem + ".safetensors");
        var writer = CheckpointTensors.Build(checkpoint);
        AtomicFile.Write(tensorsPath, writer.Write);

        var manifest = new CheckpointManifest(
            checkpoint.Step, checkpoint.ModelHash, checkpoint.PetSpec, checkpoint.LearnerConfig, checkpoint.Counters,
            checkpoint.RngStates, checkpoint.StreamCursor, checkpoint.Metrics, checkpoint.Optimizer?.Step,
            Path.GetFileName(tensorsPath), new FileInfo(tensorsPath).Length, Sha256(tensorsPath), checkpoint.Plugins);
        string manifestPath = Path.Combine(RunDirectory, stem + ".json");
        try
        {
            AtomicFile.Write(manifestPath, s => s.Write(System.Text.Encoding.UTF8.GetBytes(manifest.ToJson())));
        }
        catch when (!File.Exists(manifestPath))
        {
            // E.g. a full disk: no tensors file is left without its manifest.
            File.Delete(tensorsPath);
            throw;
        }

        Prune();
        return manifestPath;
    }

    /// <summary>Loads the newest checkpoint whose files verify, skipping (and reporting) newer corrupt ones.</summary>
    /// <param name="expectedModelHash">The model the run uses, or null to accept the checkpoint's own (the caller checks it).</param>
    /// <param name="expectedPetSpec">The PET spec the run uses, or null to accept the checkpoint's own.</param>
    /// <param name="validate">Further checks of a readable checkpoint (e.g. against the run's settings): a problem, or null when it is good.</param>
    /// <exception cref="CheckpointMismatchException">The newest readable checkpoint is of another model hash or PET spec.</exception>
    public CheckpointLoadResult LoadLatest(string? expectedModelHash, string? expectedPetSpec, Func<Checkpoint, string?>? validate = null)
    {
        var skipped = new List<string>();
        foreach (long step in ListSteps().Reverse())
        {
            string manifestPath = Path.Combine(RunDirectory, Stem(step) + ".json");
            CheckpointManifest manifest;
            try
            {
                manifest = CheckpointManifest.Parse(File.ReadAllText(manifestPath), manifestPath);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                skipped.Add($"{Path.GetFileName(manifestPath)}: {ex.Message}");
                continue;
            }

            CheckIdentity(manifest, manifestPath, expectedModelHash ?? manifest.ModelHash, expectedPetSpec ?? manifest.PetSpec);
            try
            {
                var checkpoint = Read(manifest);
                if (validate?.Invoke(checkpoint) is { } problem)
                {
                    skipped.Add($"{Path.GetFileName(manifestPath)}: {problem}");
                    continue;
                }

                return new CheckpointLoadResult(checkpoint, manifestPath, skipped);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                skipped.Add($"{Path.GetFileName(manifestPath)}: {ex.Message}");
            }
        }

        return new CheckpointLoadResult(null, null, skipped);
    }

    /// <summary>Deletes what an interrupted save leaves: temp files and tensor files without a manifest; returns their names.</summary>
    public IReadOnlyList<string> RemoveOrphans()
    {
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(RunDirectory, "." + Prefix + "*" + AtomicFile.TempMarker + "*")
            .Concat(Directory.EnumerateFiles(RunDirectory, Prefix + "*.safetensors").Where(f => !File.Exists(Path.ChangeExtension(f, ".json")))))
        {
            File.Delete(file);
            removed.Add(Path.GetFileName(file));
        }

        return removed;
    }

    /// <summary>Renames the checkpoints newer than <paramref name="step"/> to <c>*.rejected</c> so they are neither loaded nor counted
    /// by pruning (a resume that fell back past them continues from <paramref name="step"/>); returns the manifests set aside.</summary>
    public IReadOnlyList<string> SetAsideNewerThan(long step)
    {
        var names = new List<string>();
        foreach (long newer in ListSteps().Where(s => s > step))
        {
            foreach (var extension in new[] { ".json", ".safetensors" })
            {
                string path = Path.Combine(RunDirectory, Stem(newer) + extension);
                if (File.Exists(path))
                {
                    File.Move(path, path + RejectedSuffix, overwrite: true);
                }
            }

            names.Add(Stem(newer) + ".json");
        }

        return names;
    }

    private static void CheckIdentity(CheckpointManifest manifest, string path, string expectedModelHash, string expectedPetSpec)
    {
        if (!string.Equals(manifest.ModelHash, expectedModelHash, StringComparison.Ordinal))
        {
            throw new CheckpointMismatchException(
                $"Checkpoint '{path}' was made for model hash '{manifest.ModelHash}', but this run's model hash is '{expectedModelHash}'.");
        }

        if (!string.Equals(manifest.PetSpec, expectedPetSpec, StringComparison.Ordinal))
        {
            throw new CheckpointMismatchException(
                $"Checkpoint '{path}' was made for PET spec '{manifest.PetSpec}', but this run's PET spec is '{expectedPetSpec}'.");
        }
    }

    private Checkpoint Read(CheckpointManifest manifest)
    {
        string tensorsPath = Path.Combine(RunDirectory, manifest.TensorsFile);
        if (!File.Exists(tensorsPath))
        {
            throw new InvalidDataException($"tensors file '{manifest.TensorsFile}' is missing.");
        }

        long length = new FileInfo(tensorsPath).Length;
        if (length != manifest.TensorsBytes)
        {
            throw new InvalidDataException($"tensors file '{manifest.TensorsFile}' is {length} bytes, manifest says {manifest.TensorsBytes} (truncated?).");
        }

        string sha = Sha256(tensorsPath);
        if (!string.Equals(sha, manifest.TensorsSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"tensors file '{manifest.TensorsFile}' has SHA-256 {sha}, manifest says {manifest.TensorsSha256} (corrupt).");
        }

        var (tensors, m, v, state) = CheckpointTensors.Read(tensorsPath, manifest);
        if (manifest.OptimizerStep is null != (m.Count == 0 && v.Count == 0))
        {
            throw new InvalidDataException(manifest.OptimizerStep is null
                ? $"tensors file '{manifest.TensorsFile}' holds AdamW moments, but the manifest's field 'optimizer_step' is missing."
                : $"tensors file '{manifest.TensorsFile}' holds no AdamW moments, but the manifest's field 'optimizer_step' is {manifest.OptimizerStep}.");
        }

        var optimizer = manifest.OptimizerStep is { } optimizerStep ? new AdamWState(optimizerStep, m, v) : null;
        return new Checkpoint(
            manifest.Step, manifest.ModelHash, manifest.PetSpec, manifest.LearnerConfig, manifest.Counters,
            manifest.RngStates, manifest.StreamCursor, manifest.Metrics, tensors, optimizer, state, manifest.Plugins);
    }

    private void Prune()
    {
        var steps = ListSteps();
        foreach (long step in steps.Take(Math.Max(0, steps.Count - KeepLast)))
        {
            File.Delete(Path.Combine(RunDirectory, Stem(step) + ".json"));
            File.Delete(Path.Combine(RunDirectory, Stem(step) + ".safetensors"));
        }
    }

    private void DeleteStrayTempFiles()
    {
        foreach (var file in Directory.EnumerateFiles(RunDirectory, "." + Prefix + "*" + AtomicFile.TempMarker + "*"))
        {
            File.Delete(file);
        }
    }

    private static string Stem(long step) => Prefix + step.ToString("D8", CultureInfo.InvariantCulture);

    private static long? TryParseStep(string fileName) =>
        fileName.StartsWith(Prefix, StringComparison.Ordinal) && fileName.EndsWith(".json", StringComparison.Ordinal)
        && long.TryParse(fileName.AsSpan(Prefix.Length, fileName.Length - Prefix.Length - 5), NumberStyles.None, CultureInfo.InvariantCulture, out long step)
            ? step
            : null;

    private static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
