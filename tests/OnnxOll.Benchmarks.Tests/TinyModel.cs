using OnnxOll.Clip.Tiny;
using OnnxOll.Inference;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Benchmarks.Tests;

/// <summary>A tiny random CLIP folder and a model cache of its own, deleted with the fixture.</summary>
public sealed class TinyModel : IDisposable
{
    private readonly TinyModelFolder model;

    public TinyModel()
    {
        model = new TinyModelFolder(seed: 5);
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, Path.Combine(model.Root, "cache"));
    }

    public string Root => model.Root;

    public string Directory => model.ModelDirectory;

    public void Dispose() => model.Dispose();
}

/// <summary>The test classes that share one <see cref="TinyModel"/> (and the process-wide cache variable), run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModel>
{
    public const string Name = "tiny model";
}
