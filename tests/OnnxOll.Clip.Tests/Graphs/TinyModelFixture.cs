using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tiny;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>One random tiny CLIP folder (seed 7) and its frozen-weights cache, shared by the graph tests.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), $"onnxoll-clip-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Folder = Path.Combine(Root, "model");
        TinyClip.Write(Folder, seed: 7);
        Weights = ClipWeights.Open(Folder);
        Frozen = FrozenWeights.Prepare(Weights, Path.Combine(Root, "cache"));
    }

    public string Root { get; }

    public string Folder { get; }

    public ClipWeights Weights { get; }

    public FrozenWeights Frozen { get; }

    public ClipConfig Config => Weights.Config;

    public void Dispose()
    {
        Weights.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class TinyModelCollection : ICollectionFixture<TinyModelFixture>
{
    public const string Name = "tiny clip model";
}
