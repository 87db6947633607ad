using System.Runtime.InteropServices;

namespace OnnxOll.Deploy.Export;

/// <summary>Places a large file into an export folder as a hard link when the file system allows it, else as a copy.</summary>
/// <remarks>The cache rewrites weights.bin by writing a new file and renaming it, so a hard link keeps the exported content intact.</remarks>
public static partial class FileLinks
{
    /// <summary>Makes <paramref name="destination"/> hold <paramref name="source"/>'s content; returns true when hard-linked, false when copied.</summary>
    public static bool LinkOrCopy(string source, string destination)
    {
        if (File.Exists(destination))
        {
            File.Delete(destination);
        }

        if (!OperatingSystem.IsWindows() && Link(Path.GetFullPath(source), Path.GetFullPath(destination)) == 0)
        {
            return true;
        }

        File.Copy(source, destination, overwrite: true);
        return false;
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Link(string existing, string created);
}
