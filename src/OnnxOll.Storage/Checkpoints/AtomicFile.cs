namespace OnnxOll.Storage.Checkpoints;

/// <summary>Writes a file via a temp file in the same directory, flushed to disk, then moved over the target (the rename flushed too).</summary>
/// <remarks>A crash leaves at most a stray temp file; the target is either the old or the complete new content.</remarks>
public static class AtomicFile
{
    /// <summary>Marks a temp file's name (<c>.NAME.tmp-GUID</c>), so leftovers of an interrupted write can be found.</summary>
    public const string TempMarker = ".tmp-";

    /// <summary>Replaces <paramref name="path"/> with what <paramref name="write"/> writes, all or nothing.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(directory, "." + Path.GetFileName(path) + TempMarker + Guid.NewGuid().ToString("N"));
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            DirectorySync.Flush(directory);
        }
        catch (IOException e) when (e.Message.Contains(temp, StringComparison.Ordinal))
        {
            // A full or read-only disk: name the file the caller asked for, not the hidden temp file (the errno stays in HResult).
            File.Delete(temp);
            throw new IOException(e.Message.Replace(temp, path, StringComparison.Ordinal), e.HResult);
        }
        catch (UnauthorizedAccessException e) when (e.Message.Contains(temp, StringComparison.Ordinal))
        {
            File.Delete(temp);
            throw new UnauthorizedAccessException(e.Message.Replace(temp, path, StringComparison.Ordinal), e);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
