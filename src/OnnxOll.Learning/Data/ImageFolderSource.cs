namespace OnnxOll.Learning.Data;

/// <summary>Image files under <c>root/&lt;class&gt;/...</c> (ImageFolder layout: TinyImageNet train, ImageNet-R), read on demand.</summary>
/// <remarks>Only paths are enumerated up front (sorted, so the order is stable across file systems); bytes are read per sample.</remarks>
public sealed class ImageFolderSource : ILabelledSampleSource
{
    private readonly string _root;
    private readonly string[] _files;
    private readonly string[] _labels;

    /// <summary>Indexes the image files below <paramref name="root"/>; the first directory level names the class.</summary>
    public ImageFolderSource(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Image folder '{root}' does not exist.");
        }

        _root = Path.GetFullPath(root);
        var files = new List<string>();
        var labels = new List<string>();
        foreach (var classDir in Directory.EnumerateDirectories(_root).Order(StringComparer.Ordinal))
        {
            string label = Path.GetFileName(classDir);
            foreach (var file in Directory.EnumerateFiles(classDir, "*", SearchOption.AllDirectories)
                         .Where(ImageFileNames.IsImage)
                         .Order(StringComparer.Ordinal))
            {
                files.Add(Path.GetRelativePath(_root, file));
                labels.Add(label);
            }
        }

        if (files.Count == 0)
        {
            throw new InvalidDataException($"Image folder '{root}': no image files found under <class>/ sub-folders.");
        }

        _files = [.. files];
        _labels = [.. labels];
    }

    /// <inheritdoc />
    public string Name => _root;

    /// <inheritdoc />
    public IReadOnlyList<string> Labels => _labels;

    /// <inheritdoc />
    public LabelledSample Read(int index)
    {
        string path = Path.Combine(_root, _files[index]);
        return LabelledSample.FromEncoded(_labels[index], File.ReadAllBytes(path), path);
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
