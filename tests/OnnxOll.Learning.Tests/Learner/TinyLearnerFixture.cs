using OnnxOll.Clip.Tiny;
using OnnxOll.Learning.Learner;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>A tiny random CLIP folder and a private model cache shared by the learner tests of one class.</summary>
public sealed class TinyLearnerFixture : IDisposable
{
    public TinyLearnerFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "onnxoll-learner-" + Guid.NewGuid().ToString("N")[..8]);
        ModelDirectory = Path.Combine(Root, "model");
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, Path.Combine(Root, "cache"));
        TinyClip.Write(ModelDirectory, seed: 3);
    }

    public string Root { get; }

    public string ModelDirectory { get; }

    public string RunDirectory(string name) => Path.Combine(Root, name);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
