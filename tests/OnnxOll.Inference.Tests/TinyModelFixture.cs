using OnnxOll.Clip.Tiny;

namespace OnnxOll.Inference.Tests;

/// <summary>A tiny random CLIP folder and a model cache of its own, deleted with the fixture.</summary>
public sealed class TinyModelFixture : IDisposable
{
    public TinyModelFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "onnxoll-inference-tests-" + Guid.NewGuid().ToString("N")[..8]);
        ModelDirectory = Path.Combine(Root, "model");
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, Path.Combine(Root, "cache"));
        TinyClip.Write(ModelDirectory, seed: 7);
    }

    public string Root { get; }

    public string ModelDirectory { get; }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
