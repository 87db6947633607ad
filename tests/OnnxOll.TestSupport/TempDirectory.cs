namespace OnnxOll.TestSupport;

/// <summary>A fresh directory under the system temp folder, deleted (as far as it can be) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "onnxoll-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>The path of <paramref name="relative"/> inside the directory; its parent folders are created.</summary>
    public string File(string relative)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
