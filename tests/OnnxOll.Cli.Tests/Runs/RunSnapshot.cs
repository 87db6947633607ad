namespace OnnxOll.Cli.Tests.Runs;

/// <summary>The bytes of every file of a run folder (the lock file aside), to assert that a refused command changed nothing.</summary>
internal sealed class RunSnapshot
{
    private readonly string directory;
    private readonly Dictionary<string, byte[]> files;

    private RunSnapshot(string directory, Dictionary<string, byte[]> files)
    {
        this.directory = directory;
        this.files = files;
    }

    public IReadOnlyCollection<string> Names => files.Keys;

    public static RunSnapshot Take(string directory) => new(directory, Directory.GetFiles(directory)
        .Where(f => Path.GetFileName(f) != Learning.Runs.RunFolder.LockFileName)
        .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes, StringComparer.Ordinal));

    public void AssertUnchanged()
    {
        var now = Take(directory);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), now.files.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, bytes) in files)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(now.files[name]), $"{name} changed");
        }
    }
}
