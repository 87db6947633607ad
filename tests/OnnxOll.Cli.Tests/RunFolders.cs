using System.Text.Json.Nodes;
using OnnxOll.Clip.Pet;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Cli.Tests;

/// <summary>Writes a run folder holding one checkpoint of given PET tensors, as a learning run would.</summary>
public static class RunFolders
{
    public static void Write(string runDirectory, string modelDirectory, PetParameters pet, IReadOnlyList<string> prompts)
    {
        var tensors = pet.Layout.Tensors.Select(t => new NamedTensor(t.Name, pet[t.Name], t.Shape)).ToArray();
        var config = new JsonObject { ["prompts"] = new JsonArray(prompts.Select(p => (JsonNode?)p).ToArray()) };
        new CheckpointStore(runDirectory).Save(new Checkpoint(
            7, ModelHash.Compute(modelDirectory), pet.Layout.Spec.ToString(), config, new Dictionary<string, long>(), new JsonObject(), 0, null, tensors, null));
    }
}
