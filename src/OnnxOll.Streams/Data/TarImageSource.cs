using Microsoft.Win32.SafeHandles;

namespace OnnxOll.Streams.Data;

/// <summary>Image files stored in a tar as <c>[subPath/]&lt;class&gt;/...</c>, read in place without extracting.</summary>
public sealed class TarImageSource : ILabelledSampleSource
{
    private readonly string tarPath;
    private readonly TarMember[] members;
    private readonly string[] labels;
    private readonly SafeFileHandle handle;

    private TarImageSource(string tarPath, string? subPath, IEnumerable<TarMember> all)
    {
        this.tarPath = tarPath;
        string prefix = string.IsNullOrEmpty(subPath) ? string.Empty : subPath.Trim('/') + "/";
        var members = new List<TarMember>();
        var labels = new List<string>();
        foreach (var m in all)
        {
            if (!m.Name.StartsWith(prefix, StringComparison.Ordinal) || ImageFileNames.ClassOf(m.Name[prefix.Length..]) is not { } label)
            {
                continue;
            }

            members.Add(m);
            labels.Add(label);
        }

        if (members.Count == 0)
        {
            throw new InvalidDataException($"Tar file '{tarPath}': no image members under '{prefix}<class>/'.");
        }

        this.members = [.. members];
        this.labels = [.. labels];
        Name = prefix.Length == 0 ? tarPath : $"{tarPath}:{prefix}";
        handle = File.OpenHandle(tarPath, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Labels => labels;

    /// <summary>Indexes the tar's image members under <paramref name="subPath"/> (e.g. "train"), or all when null.</summary>
    public static TarImageSource Open(string tarPath, string? subPath = null) =>
        new(tarPath, subPath, TarIndex.Scan(tarPath));

    /// <summary>The top-level directory names of the tar's image members (to detect train/test splits).</summary>
    public static IReadOnlySet<string> TopLevelDirectories(string tarPath) => TopLevelDirectories(TarIndex.Scan(tarPath));

    /// <summary>Opens one source per sub-path from a single scan of the tar (null = all members).</summary>
    internal static TarImageSource[] OpenSplits(string tarPath, Func<IReadOnlySet<string>, string?[]> chooseSubPaths)
    {
        var members = TarIndex.Scan(tarPath);
        var sources = new List<TarImageSource>();
        try
        {
            foreach (var subPath in chooseSubPaths(TopLevelDirectories(members)))
            {
                sources.Add(new TarImageSource(tarPath, subPath, members));
            }
        }
        catch
        {
            sources.ForEach(s => s.Dispose());
            throw;
        }

        return [.. sources];
    }

    private static HashSet<string> TopLevelDirectories(IEnumerable<TarMember> members) =>
        members.Select(m => ImageFileNames.ClassOf(m.Name)).OfType<string>().ToHashSet(StringComparer.Ordinal);

    /// <inheritdoc />
    public LabelledSample Read(int index)
    {
        var member = members[index];
        var bytes = new byte[member.Length];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(handle, bytes.AsSpan(read), member.DataOffset + read);
            if (n == 0)
            {
                throw new EndOfStreamException($"Tar file '{tarPath}': member '{member.Name}' is truncated ({read} of {member.Length} bytes).");
            }

            read += n;
        }

        return LabelledSample.FromEncoded(labels[index], bytes, $"{tarPath}:{member.Name}");
    }

    /// <inheritdoc />
    public void Dispose() => handle.Dispose();
}
