using OnnxOll.Clip.Tiny;
using OnnxOll.Inference;

namespace OnnxOll.Benchmarks.Tests;

/// <summary>A tiny random CLIP folder and a model cache of its own, deleted with the fixture.</summary>
public sealed class TinyModel : IDisposable
{
    public TinyModel()
    {
        Root = Path.Combine(Path.GetTempPath(), "onnxoll-bench-tests-" + Guid.NewGuid().ToString("N")[..8]);
        Directory = Path.Combine(Root, "model");
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, Path.Combine(Root, "cache"));
        TinyClip.Write(Directory, seed: 5);
    }

    public string Root { get; }

    public string Directory { get; }

    public void Dispose() => System.IO.Directory.Delete(Root, recursive: true);
}

/// <summary>The test classes that share one <see cref="TinyModel"/> (and the process-wide cache variable), run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModel>
{
    public const string Name = "tiny model";
}
