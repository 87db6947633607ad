namespace OnnxOll.Streams.Data;

/// <summary>Image files under <c>root/&lt;class&gt;/...</c> (ImageFolder layout: TinyImageNet train, ImageNet-R), read on demand.</summary>
/// <remarks>Only paths are enumerated up front (sorted, so the order is stable across file systems); bytes are read per sample.</remarks>
public sealed class ImageFolderSource : ILabelledSampleSource
{
    private readonly string root;
    private readonly string[] files;
    private readonly string[] labels;

    /// <summary>Indexes the image files below <paramref name="root"/>; the first directory level names the class.</summary>
    public ImageFolderSource(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Image folder '{root}' does not exist.");
        }

        this.root = Path.GetFullPath(root);
        var files = new List<string>();
        var labels = new List<string>();
        foreach (var classDir in Directory.EnumerateDirectories(this.root).Order(StringComparer.Ordinal))
        {
            string label = Path.GetFileName(classDir);
            foreach (var file in Directory.EnumerateFiles(classDir, "*", SearchOption.AllDirectories)
                         .Where(ImageFileNames.IsImage)
                         .Order(StringComparer.Ordinal))
            {
                files.Add(Path.GetRelativePath(this.root, file));
                labels.Add(label);
            }
        }

        if (files.Count == 0)
        {
            throw new InvalidDataException($"Image folder '{root}': no image files found under <class>/ sub-folders.");
        }

        this.files = [.. files];
        this.labels = [.. labels];
    }

    /// <inheritdoc />
    public string Name => root;

    /// <inheritdoc />
    public IReadOnlyList<string> Labels => labels;

    /// <inheritdoc />
    public LabelledSample Read(int index)
    {
        string path = Path.Combine(root, files[index]);
        return LabelledSample.FromEncoded(labels[index], File.ReadAllBytes(path), path);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
