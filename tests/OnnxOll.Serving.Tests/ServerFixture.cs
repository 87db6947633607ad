using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Tiny;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Serving.Tests;

/// <summary>A tiny random CLIP folder and a model cache for the service tests of one class; starts servers on loopback port 0.</summary>
public sealed class ServerFixture : IDisposable
{
    public const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";

    private readonly TinyModelFolder model;

    public ServerFixture()
    {
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, Path.Combine(Path.GetTempPath(), $"onnxoll-serving-cache-{Environment.ProcessId}"));
        model = new TinyModelFolder(seed: 5);
    }

    public string Root => model.Root;

    public string ModelDirectory => model.ModelDirectory;

    public ServeOptions Options(string run) => new()
    {
        ModelDirectory = ModelDirectory,
        RunDirectory = Path.Combine(Root, run),
        Pet = PetSpec.Parse(Pet),
        Learner = new LearnerOptions { BatchSize = 4, Iterations = 2, LearningRate = 1e-2f, EvalEvery = 0, CheckpointEvery = 1 },
        MaxWait = TimeSpan.FromMilliseconds(200),
        Port = 0,
        Sessions = Runtime.SessionSettings.Default with { IntraOpThreads = 1, AllowSpinning = false },
    };

    public void Dispose() => model.Dispose();
}
