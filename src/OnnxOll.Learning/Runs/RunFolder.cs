using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Storage.Runs;

namespace OnnxOll.Learning.Runs;

/// <summary>A run folder owned by this process: an exclusive lock for its lifetime and the run's settings in <c>run.json</c>.</summary>
/// <remarks>The lock is an OS file lock on <c>run.lock</c> (FileShare.None), so the operating system releases it when the process
/// dies, however it dies. The fixed settings are written once; a resume with other ones is refused naming each difference.</remarks>
public sealed class RunFolder : IDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string LockFileName = "run.lock";

    /// <summary>The settings file's name.</summary>
    public const string SettingsFileName = RunSettingsFile.FileName;

    private const string FormatName = "onnxoll-run";

    // How .NET reports a file another handle holds with FileShare.None: ERROR_SHARING_VIOLATION on Windows; on Unix the
    // flock(LOCK_NB) failure's raw errno, EWOULDBLOCK (11 on Linux, 35 on macOS and the BSDs).
    private const int SharingViolation = unchecked((int)0x80070020);
    private readonly FileStream lockStream;
    private readonly JsonObject document;

    private readonly bool startedHere;
    private readonly bool createdDirectory;

    private RunFolder(string directory, FileStream lockStream, JsonObject document, IReadOnlyList<string> notes, bool startedHere, bool createdDirectory)
    {
        Directory = directory;
        this.lockStream = lockStream;
        this.document = document;
        Notes = notes;
        this.startedHere = startedHere;
        this.createdDirectory = createdDirectory;
    }

    /// <summary>The folder's full path.</summary>
    public string Directory { get; }

    /// <summary>What opening it did that the user should know (settings recorded, changed settings accepted).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>When the run finished (it learned its whole stream), or null.</summary>
    public string? FinishedUtc => document["finished_utc"]?.GetValue<string>();

    /// <summary>Takes <paramref name="directory"/> for a new run, or for a resume of the run it holds.</summary>
    /// <exception cref="RunFolderException">The path is a file, another process owns the folder, it holds another run and
    /// <paramref name="resume"/> is false, or its fixed settings differ from <paramref name="settings"/>.</exception>
    public static RunFolder Open(string directory, RunSettings settings, bool resume)
    {
        ArgumentNullException.ThrowIfNull(settings);
        string full = Path.GetFullPath(directory);
        if (File.Exists(full))
        {
            throw new RunFolderException($"Run folder '{directory}' is a file; --out needs a folder.");
        }

        bool created = !System.IO.Directory.Exists(full);
        System.IO.Directory.CreateDirectory(full);
        bool lockExisted = File.Exists(Path.Combine(full, LockFileName));
        var lockStream = Lock(directory, full);
        try
        {
            var (document, notes, startedHere) = Prepare(directory, full, settings, resume);
            return new RunFolder(full, lockStream, document, notes, startedHere, created);
        }
        catch
        {
            // A refused folder (not empty, not a run, other settings) is left as it was found: no run.lock of ours in it.
            lockStream.Dispose();
            if (!lockExisted)
            {
                File.Delete(Path.Combine(full, LockFileName));
            }

            throw;
        }
    }

    /// <summary>Records that the run learned its whole stream; a later resume then changes nothing.</summary>
    public void MarkFinished(long samplesSeen)
    {
        document["finished_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        document["finished_samples"] = samplesSeen;
        Write(Directory, document);
    }

    /// <summary>Undoes opening a run this process started when nothing but <c>run.json</c> has been written since (a run that failed
    /// before its first checkpoint), so the same command can simply be run again; releases the lock. Best effort: never throws.</summary>
    public void DiscardIfUnused()
    {
        if (!startedHere || System.IO.Directory.EnumerateFileSystemEntries(Directory).Select(Path.GetFileName).Any(n => n is not LockFileName and not SettingsFileName))
        {
            return;
        }

        try
        {
            File.Delete(Path.Combine(Directory, SettingsFileName));
            File.Delete(Path.Combine(Directory, LockFileName));
            lockStream.Dispose();
            if (createdDirectory && !System.IO.Directory.EnumerateFileSystemEntries(Directory).Any())
            {
                System.IO.Directory.Delete(Directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: it runs while another error is reported, which must not be replaced by this one.
        }
    }

    /// <inheritdoc/>
    public void Dispose() => lockStream.Dispose();

    private static FileStream Lock(string directory, string full)
    {
        string path = Path.Combine(full, LockFileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetBytes($"pid {Environment.ProcessId} since {DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture)}\n"));
            stream.Flush();
            return stream;
        }
        catch (IOException e) when (IsHeldByAnother(e))
        {
            throw new RunFolderException($"Run folder '{directory}' is in use by another process ({LockFileName} is locked); one run folder belongs to one run at a time.");
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new RunFolderException($"Run folder '{directory}' cannot hold its lock file {LockFileName}: {e.Message.Trim()}");
        }
    }

    private static (JsonObject Document, IReadOnlyList<string> Notes, bool StartedHere) Prepare(string directory, string full, RunSettings settings, bool resume)
    {
        string settingsPath = Path.Combine(full, SettingsFileName);
        var others = System.IO.Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName).Where(n => n != LockFileName).Order(StringComparer.Ordinal).ToList();
        var notes = new List<string>();
        if (!resume)
        {
            if (others.Count > 0)
            {
                string listed = string.Join(", ", others.Take(4)) + (others.Count > 4 ? $", … ({others.Count} entries)" : string.Empty);
                throw new RunFolderException($"Run folder '{directory}' is not empty ({listed}); pass --resume to continue the run it holds, or choose another --out.");
            }

            return (NewDocument(full, settings), notes, true);
        }

        if (!File.Exists(settingsPath))
        {
            // Without run.json a folder is a run only by its checkpoints, log or metrics: a model or export folder given as --out is not.
            if (others.Count > 0 && !others.Any(IsRunEntry))
            {
                throw new RunFolderException($"Run folder '{directory}' is not empty and holds no run ({string.Join(", ", others.Take(4))}{(others.Count > 4 ? ", …" : string.Empty)}); choose another --out.");
            }

            if (others.Any(n => n!.StartsWith("ckpt-", StringComparison.Ordinal)))
            {
                notes.Add($"{settingsPath} was absent (a run made before run settings were recorded); recorded this resume's settings");
            }

            return (NewDocument(full, settings), notes, others.Count == 0);
        }

        var document = Read(settingsPath);
        var stored = document["settings"] as JsonObject ?? throw new InvalidDataException($"{settingsPath}: field 'settings' is missing or not an object.");
        var differences = settings.FixedDifferences(stored);
        if (differences.Count > 0)
        {
            throw new RunFolderException($"Run folder '{directory}' holds a run with other settings ({string.Join("; ", differences)}); resume it with its own settings or choose another --out.");
        }

        if (document["finished_utc"] is not null)
        {
            return (document, notes, false);
        }

        var storedChangeable = document["changeable"] as JsonObject ?? new JsonObject();
        var changes = settings.ChangedSettings(storedChangeable);
        if (changes.Count > 0)
        {
            var resumes = document["resumes"] as JsonArray ?? [];
            resumes.Add(new JsonObject { ["utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture), ["changed"] = changes });
            document["resumes"] = resumes;
            document["changeable"] = settings.Changeable.DeepClone();
            Write(full, document);
            notes.Add("changed for this resume (recorded in run.json): " + string.Join(", ", changes.Select(c => $"{c.Key} {c.Value!["from"]} → {c.Value!["to"]}")));
        }

        return (document, notes, false);
    }

    private static bool IsRunEntry(string? name) =>
        name is not null && (name.StartsWith("ckpt-", StringComparison.Ordinal) || name.StartsWith(".ckpt-", StringComparison.Ordinal)
            || name is "ingest" or "metrics.jsonl" or "metrics.csv" or "summary.json" or "eval.json");

    private static JsonObject NewDocument(string full, RunSettings settings)
    {
        var document = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = 1,
            ["created_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["model"] = settings.ModelDirectory,
            ["settings"] = settings.Fixed.DeepClone(),
            ["changeable"] = settings.Changeable.DeepClone(),
            ["resumes"] = new JsonArray(),
            ["finished_utc"] = null,
        };
        Write(full, document);
        return document;
    }

    private static JsonObject Read(string path)
    {
        try
        {
            var document = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
            string? format = document["format"] is JsonValue f && f.TryGetValue(out string? s) ? s : null;
            return format == FormatName ? document : throw new InvalidDataException($"{path}: field 'format' is '{format}', expected '{FormatName}'.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    private static void Write(string full, JsonObject document) =>
        AtomicFile.Write(Path.Combine(full, SettingsFileName), s => s.Write(Encoding.UTF8.GetBytes(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n")));

    private static bool IsHeldByAnother(IOException e) =>
        e.HResult == SharingViolation || (OperatingSystem.IsLinux() ? e.HResult == 11 : !OperatingSystem.IsWindows() && e.HResult == 35);
}
