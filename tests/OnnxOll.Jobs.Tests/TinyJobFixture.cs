using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Jobs.Tests;

/// <summary>A tiny random CLIP folder and small job settings for the job tests of one class.</summary>
/// <remarks>The model cache is chosen by a process-wide variable, so every fixture points it at one folder per test process.</remarks>
public sealed class TinyJobFixture : IDisposable
{
    private static readonly string SharedCache = Path.Combine(Path.GetTempPath(), $"onnxoll-jobs-tests-cache-{Environment.ProcessId}");

    private readonly TinyModelFolder model;

    public TinyJobFixture()
    {
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, SharedCache);
        model = new TinyModelFolder(seed: 3);
    }

    public string ModelDirectory => model.ModelDirectory;

    /// <summary>A fresh run folder path (not created) under the fixture's temporary directory.</summary>
    public string RunDirectory(string name) => Path.Combine(model.Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Two colours of one shape, four batches of four, one step each, no evaluation until the end.</summary>
    public LearningJobSettings Settings(string runDirectory) => new()
    {
        ModelDirectory = ModelDirectory,
        DataSpec = "synthetic:colours=2,shapes=1,textures=1,train=8,test=2,size=32,seed=1",
        RunDirectory = runDirectory,
        Pet = Clip.Pet.PetSpec.Parse("lora:r=2,alpha=1,towers=image,targets=q+v"),
        Learner = new LearnerOptions { BatchSize = 4, Iterations = 1, LearningRate = 1e-2f, EvalEvery = 0, CheckpointEvery = 1, Prompts = ["a {}."] },
    };

    public void Dispose() => model.Dispose();
}
