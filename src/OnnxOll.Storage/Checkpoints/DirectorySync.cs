using System.Runtime.InteropServices;

namespace OnnxOll.Storage.Checkpoints;

/// <summary>Flushes a directory's entries to disk (fsync on the directory), so a file just created or renamed into it survives a power loss.</summary>
/// <remarks>POSIX only; on Windows the file system journals directory changes and there is no directory handle to flush.</remarks>
public static partial class DirectorySync
{
    /// <summary>Makes the creations, renames and deletions in <paramref name="directory"/> durable.</summary>
    /// <exception cref="IOException">The directory cannot be opened or flushed (names it and the errno).</exception>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        int descriptor = Open(directory, 0);
        if (descriptor < 0)
        {
            throw new IOException($"{directory}: cannot open the folder to flush it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"{directory}: flushing the folder to disk failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
