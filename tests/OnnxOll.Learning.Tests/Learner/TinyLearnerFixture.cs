using OnnxOll.Clip.Tiny;
using OnnxOll.Inference;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>A tiny random CLIP folder for the learner tests of one class.</summary>
/// <remarks>The model cache is chosen by a process-wide variable, so every fixture points it at one folder per test
/// process (entries are keyed by model hash and written atomically) and none deletes it while others run.</remarks>
public sealed class TinyLearnerFixture : IDisposable
{
    private static readonly string SharedCache = Path.Combine(Path.GetTempPath(), $"onnxoll-learning-tests-cache-{Environment.ProcessId}");

    private readonly TinyModelFolder model;

    public TinyLearnerFixture()
    {
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, SharedCache);
        model = new TinyModelFolder(seed: 3);
    }

    public string Root => model.Root;

    public string ModelDirectory => model.ModelDirectory;

    public string RunDirectory(string name) => Path.Combine(Root, name);

    public void Dispose() => model.Dispose();
}
