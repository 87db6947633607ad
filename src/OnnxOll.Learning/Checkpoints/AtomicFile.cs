namespace OnnxOll.Learning.Checkpoints;

/// <summary>Writes a file via a temp file in the same directory, flushed to disk, then moved over the target (the rename flushed too).</summary>
/// <remarks>A crash leaves at most a stray temp file; the target is either the old or the complete new content.</remarks>
internal static class AtomicFile
{
    public const string TempMarker = ".tmp-";

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
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
