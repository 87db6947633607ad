using System.Formats.Tar;

namespace OnnxOll.Streams.Data;

/// <summary>The image members of a tar (ustar, GNU long names, pax paths), found by reading headers only.</summary>
internal static class TarIndex
{
    public static List<TarMember> Scan(string tarPath)
    {
        if (!File.Exists(tarPath))
        {
            throw new FileNotFoundException($"Tar file '{tarPath}' does not exist.", tarPath);
        }

        var members = new List<TarMember>();
        // A small buffer: the reader seeks past every member's data, so a large buffer is refilled (and wasted) per header.
        using var stream = new FileStream(tarPath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        TarHeaders.Verify(tarPath, stream);
        stream.Position = 0;
        using var reader = new TarReader(stream);
        try
        {
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && ImageFileNames.IsImage(entry.Name))
                {
                    members.Add(new TarMember(Normalise(entry.Name), entry.DataOffset, entry.Length));
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"Tar file '{tarPath}': corrupt header after {members.Count} image members: {ex.Message}", ex);
        }

        members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return members;
    }

    private static string Normalise(string name)
    {
        string n = name.Replace('\\', '/');
        while (n.StartsWith("./", StringComparison.Ordinal))
        {
            n = n[2..];
        }

        return n.TrimStart('/');
    }
}
