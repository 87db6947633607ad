using System.Text.Json.Nodes;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Tiny;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Deploy.Tests;

/// <summary>A tiny random CLIP folder with a private model cache, and helpers for PET tensors and run folders; shared by the collection.</summary>
public sealed class DeployFixture : IDisposable
{
    private readonly TinyModelFolder model;

    public DeployFixture()
    {
        model = new TinyModelFolder(seed: 3);
        Environment.SetEnvironmentVariable(ModelCache.EnvironmentVariable, Path.Combine(Root, "cache"));
    }

    public string Root => model.Root;

    public string ModelDirectory => model.ModelDirectory;

    public ClipConfig Config => model.Config;

    /// <summary>A fresh folder under the fixture root.</summary>
    public string Folder(string name)
    {
        string path = Path.Combine(Root, "files", name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>PET tensors of <paramref name="spec"/> drawn uniformly from ±<paramref name="scale"/> (all non-zero).</summary>
    public PetParameters RandomPet(string spec, int seed, double scale) => TestSupport.Models.RandomPet.Create(Config, spec, scale, seed);

    /// <summary>Writes a run folder holding one checkpoint (with AdamW moments) of <paramref name="pet"/>, its prompts and its classes.</summary>
    public string WriteRun(string name, PetParameters pet, IReadOnlyList<string> prompts, IReadOnlyList<string> classes)
    {
        string run = Folder(name);
        var tensors = pet.Layout.Tensors.Select(t => new NamedTensor(t.Name, pet[t.Name], t.Shape)).ToArray();
        var moments = pet.Layout.Tensors.ToDictionary(t => t.Name, t => Enumerable.Repeat(0.5f, (int)t.ElementCount).ToArray(), StringComparer.Ordinal);
        var config = new JsonObject { ["prompts"] = new JsonArray(prompts.Select(p => (JsonNode?)p).ToArray()) };
        var metrics = new JsonObject { ["vocabulary"] = new JsonArray(classes.Select(c => (JsonNode?)c).ToArray()), ["records"] = new JsonArray() };
        new CheckpointStore(run).Save(new Checkpoint(
            7, ModelHash.Compute(ModelDirectory), pet.Layout.Spec.ToString(), config, new Dictionary<string, long>(), new JsonObject(), 0, metrics, tensors,
            new AdamWState(3, moments, moments)));
        return run;
    }

    public static void AssertSameTensors(PetParameters expected, PetParameters actual)
    {
        Assert.Equal(expected.Layout.Spec.ToString(), actual.Layout.Spec.ToString());
        Assert.All(expected.Layout.Tensors, t => Assert.Equal(expected[t.Name], actual[t.Name]));
    }

    public void Dispose() => model.Dispose();
}
