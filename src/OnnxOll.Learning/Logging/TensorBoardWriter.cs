namespace OnnxOll.Learning.Logging;

/// <summary>Writes one TensorBoard event file (<c>events.out.tfevents.*</c>) of scalars; the file version is its first event.</summary>
/// <remarks>Each writer opens a new file, as TensorFlow's and PyTorch's writers do, so a resumed run never rewrites an old one. The
/// name carries the start time in milliseconds (TensorFlow: seconds), so a restart within the same second still sorts after the
/// file it follows: TensorBoard reads a folder's files in name order.</remarks>
public sealed class TensorBoardWriter : IDisposable
{
    private static int counter;
    private readonly FileStream stream;

    /// <summary>Creates the directory when missing and starts a new event file in it.</summary>
    public TensorBoardWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory,
            $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}.{Environment.MachineName}.{Environment.ProcessId}.{Interlocked.Increment(ref counter)}");
        stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Append(TensorBoardEvent.Version(WallTime()));
    }

    /// <summary>Full path of the event file.</summary>
    public string Path { get; }

    /// <summary>Marks a restart at <paramref name="step"/>: TensorBoard discards events of earlier files at this step or later.</summary>
    public void Restart(long step) => Append(TensorBoardEvent.SessionStart(WallTime(), step));

    /// <summary>Appends scalars at <paramref name="step"/> as one event, flushed to the OS.</summary>
    public void Scalars(long step, IEnumerable<(string Tag, float Value)> scalars) => Append(TensorBoardEvent.Scalars(WallTime(), step, scalars));

    /// <summary>Flushes the file to disk.</summary>
    public void Sync() => stream.Flush(flushToDisk: true);

    /// <inheritdoc/>
    public void Dispose() => stream.Dispose();

    private static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private void Append(byte[] data)
    {
        TfRecord.Write(stream, data);
        stream.Flush();
    }
}
