using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>One random tiny CLIP folder (seed 7) and its frozen-weights cache, shared by the graph tests.</summary>
public sealed class TinyModelFixture : IDisposable
{
    private readonly TinyModelFolder model = new(seed: 7);

    public TinyModelFixture()
    {
        Weights = ClipWeights.Open(Folder);
        Frozen = FrozenWeights.Prepare(Weights, Path.Combine(Root, "cache"));
    }

    public string Root => model.Root;

    public string Folder => model.ModelDirectory;

    public ClipWeights Weights { get; }

    public FrozenWeights Frozen { get; }

    public ClipConfig Config => Weights.Config;

    public void Dispose()
    {
        Weights.Dispose();
        model.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModelFixture>
{
    public const string Name = "tiny clip model";
}
