using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tiny;

namespace OnnxOll.TestSupport.Models;

/// <summary>A random tiny CLIP model (<see cref="TinyClip"/>) in the folder "model" of a fresh temporary directory, deleted on dispose.</summary>
public sealed class TinyModelFolder : IDisposable
{
    private readonly TempDirectory root = new();

    public TinyModelFolder(int seed)
    {
        ModelDirectory = System.IO.Path.Combine(root.Path, "model");
        Config = TinyClip.Write(ModelDirectory, seed);
    }

    /// <summary>The temporary directory; the model folder is one of its children, so other files may go beside it.</summary>
    public string Root => root.Path;

    public string ModelDirectory { get; }

    public ClipConfig Config { get; }

    /// <summary>The path of <paramref name="relative"/> under <see cref="Root"/>; its parent folders are created.</summary>
    public string File(string relative) => root.File(relative);

    public void Dispose() => root.Dispose();
}
