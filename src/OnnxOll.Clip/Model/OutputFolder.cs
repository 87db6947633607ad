namespace OnnxOll.Clip.Model;

/// <summary>A folder a command writes as a whole (a model, an export, an adapter): refused when it would overwrite something of another
/// kind, and filled in a hidden sibling that is renamed into place, so a failure leaves nothing half-written.</summary>
public static class OutputFolder
{
    /// <summary>Refuses <paramref name="path"/> when it is a file, or a non-empty folder that <paramref name="holdsKind"/> says holds no earlier
    /// <paramref name="kind"/> (e.g. a model folder given as an export's --out).</summary>
    /// <exception cref="IOException">The message names the folder and what it holds.</exception>
    public static void Check(string path, string kind, Func<string, bool> holdsKind)
    {
        ArgumentNullException.ThrowIfNull(holdsKind);
        if (File.Exists(path))
        {
            throw new IOException($"{path}: is a file; expected a folder to write the {kind} into.");
        }

        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any() && !holdsKind(path))
        {
            string[] entries = [.. Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(4)!];
            throw new IOException($"{path}: folder is not empty and holds no {kind} (it holds {string.Join(", ", entries)}…); "
                + $"give a new or empty folder, or an earlier {kind} to replace.");
        }
    }

    /// <summary>The option that lets a command replace a model folder.</summary>
    public const string ForceOption = "--force";

    /// <summary>True when <paramref name="path"/> holds a Hugging Face model (<c>config.json</c> and <c>model.safetensors</c>).</summary>
    public static bool HoldsModel(string path) =>
        File.Exists(Path.Combine(path, ClipConfig.FileName)) && File.Exists(Path.Combine(path, ClipWeights.FileName));

    /// <summary>Refuses to write a model into <paramref name="path"/> when it already holds one, unless <paramref name="force"/>: runs, checkpoints
    /// and adapters learned on that model would no longer match it.</summary>
    /// <exception cref="IOException">The message names the folder and <see cref="ForceOption"/>.</exception>
    public static void CheckModelReplace(string path, bool force)
    {
        if (!force && HoldsModel(path))
        {
            throw new IOException($"{path}: holds a model ({ClipConfig.FileName}, {ClipWeights.FileName}) that runs, checkpoints and adapters learned on it "
                + $"would no longer match; give another folder, or {ForceOption} to replace it.");
        }
    }

    /// <summary>Checks <paramref name="path"/> (<see cref="Check"/>), has <paramref name="write"/> fill a new hidden sibling folder, then
    /// puts it in place of <paramref name="path"/>; on failure the sibling is removed and <paramref name="path"/> is left as it was.</summary>
    public static T Write<T>(string path, string kind, Func<string, bool> holdsKind, Func<string, T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        Check(path, kind, holdsKind);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        string parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        T result;
        try
        {
            Directory.CreateDirectory(staging);
            result = write(staging);
            if (Directory.Exists(full) && !Directory.EnumerateFileSystemEntries(full).Any())
            {
                Directory.Delete(full);
            }

            if (!Directory.Exists(full))
            {
                Directory.Move(staging, full);
                return result;
            }
        }
        catch (IOException e) when (e.Message.Contains(staging, StringComparison.Ordinal) || IsDiskFull(e))
        {
            // A full or read-only disk: name the folder the user gave, not the hidden sibling.
            DeleteQuietly(staging);
            string message = e.Message.Contains(staging, StringComparison.Ordinal) ? e.Message.Replace(staging, full, StringComparison.Ordinal) : $"{full}: {e.Message}";
            throw new IOException($"{message} (nothing was written)", e);
        }
        catch
        {
            DeleteQuietly(staging);
            throw;
        }

        string old = Path.Combine(parent, $".{Path.GetFileName(full)}.old-{Guid.NewGuid():N}");
        Directory.Move(full, old);
        try
        {
            Directory.Move(staging, full);
        }
        catch
        {
            Directory.Move(old, full);
            DeleteQuietly(staging);
            throw;
        }

        DeleteQuietly(old);
        return result;
    }

    // ENOSPC and EDQUOT on Unix (the HResult of an I/O error is its errno there), ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows.
    private static bool IsDiskFull(IOException e) => e.HResult is 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027);

    // Best effort: runs while another error is reported, or after the new folder is already in place.
    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
