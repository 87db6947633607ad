using System.Text.Json.Nodes;
using OnnxOll.Deploy.Pet;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Learner;

namespace OnnxOll.Deploy.Tests;

/// <summary>A run that mixed prototype logits and learned text offsets: its PET loads without those state tensors, and the source
/// warns that scoring from it leaves them out.</summary>
[Collection(DeployCollection.Name)]
public sealed class LearnerStateRunTests(DeployFixture fixture)
{
    [Fact]
    public void PetLoadsWithoutThePrototypesAndTheSourceSaysSo()
    {
        var pet = fixture.RandomPet("lora:r=4,alpha=8,towers=image,targets=q+v", seed: 11, scale: 0.1);
        string run = fixture.Folder("prototype-run");
        var tensors = pet.Layout.Tensors.Select(t => new NamedTensor(t.Name, pet[t.Name], t.Shape)).ToArray();
        var moments = pet.Layout.Tensors.ToDictionary(t => t.Name, t => new float[t.ElementCount], StringComparer.Ordinal);
        var memory = new PrototypeMemory(fixture.Config.ProjectionDim);
        memory.Add(0, new float[fixture.Config.ProjectionDim]);
        var offsets = new TextOffsets(fixture.Config.ProjectionDim, 0.01f);
        offsets.Step([0], new float[fixture.Config.ProjectionDim]);
        var config = new JsonObject { ["prompts"] = new JsonArray("a photo of a {}."), ["prototype_weight"] = "0.5", ["text_offset_lr"] = "0.01" };
        var metrics = new JsonObject { ["vocabulary"] = new JsonArray("cat"), ["records"] = new JsonArray() };
        string manifest = new CheckpointStore(run).Save(new Checkpoint(
            1, ModelHash.Compute(fixture.ModelDirectory), pet.Layout.Spec.ToString(), config, new Dictionary<string, long>(), new JsonObject(), 0, metrics, tensors,
            new AdamWState(1, moments, moments), [.. memory.ToTensors(), .. offsets.ToTensors()]));

        var source = PetSource.FromRun(run, fixture.ModelDirectory);
        DeployFixture.AssertSameTensors(pet, source.Load(pet.Layout));
        Assert.Contains("prototype logits (weight 0.5)", source.Warning, StringComparison.Ordinal);
        Assert.Contains("learned per-class text offsets", source.Warning, StringComparison.Ordinal);

        var file = PetSource.FromFile(Path.ChangeExtension(manifest, ".safetensors"), null, fixture.ModelDirectory);
        DeployFixture.AssertSameTensors(pet, file.Load(pet.Layout));
    }
}
