using OnnxOll.Clip.Tiny;
using OnnxOll.Deploy.Export;
using OnnxOll.Deploy.Peft;
using OnnxOll.Deploy.Pet;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Deploy.Tests;

/// <summary>PET recorded as learned on one model is refused with another of the same shapes (other weights), naming both models, and used with a
/// warning under --allow-other-model. Before weights were hashed, two such models had one hash and every source was accepted.</summary>
[Collection(DeployCollection.Name)]
public sealed class ModelIdentityTests(DeployFixture fixture)
{
    private const string Spec = "lora:r=2,alpha=4,towers=both,targets=q+v";

    [Fact]
    public void ARunCheckpointOrAdapterOfAnotherModelIsRefusedNamingBoth()
    {
        string other = OtherModel("identity-other");
        var pet = fixture.RandomPet(Spec, seed: 21, scale: 0.2);
        string run = fixture.WriteRun("identity-run", pet, ["{}"], ["a", "b"]);
        string checkpoint = Directory.GetFiles(run, "ckpt-*.safetensors").Single();
        string adapter = fixture.Folder("identity-adapter");
        PeftAdapterFolder.Write(pet, adapter, fixture.ModelDirectory);
        string ours = ModelHash.Short(ModelHash.Compute(fixture.ModelDirectory)), theirs = ModelHash.Short(ModelHash.Compute(other));
        Assert.NotEqual(ours, theirs);

        foreach (string source in new[] { run, checkpoint, Path.ChangeExtension(checkpoint, ".json"), adapter })
        {
            Assert.Null(PetSource.Open(source, null, fixture.ModelDirectory).Warning);
            var e = Assert.Throws<OtherModelException>(() => PetSource.Open(source, null, other));
            Assert.Contains(Path.GetFileNameWithoutExtension(source), e.Message);
            Assert.Contains(ours, e.Message);
            Assert.Contains(theirs, e.Message);
            Assert.Contains(other, e.Message);
            Assert.Contains(ModelMatch.AllowOption, e.Message);

            var allowed = PetSource.Open(source, null, other, allowOtherModel: true);
            Assert.Contains(theirs, allowed.Warning);
            DeployFixture.AssertSameTensors(pet, allowed.Load(pet.Layout));
        }

        // The adapter names the folder it was learned on (base_model_name_or_path).
        Assert.Contains(Path.GetFullPath(fixture.ModelDirectory), Assert.Throws<OtherModelException>(() => PetSource.Open(adapter, null, other)).Message);

        // An export's PET tensors and PEFT folder record the model too.
        string export = Path.Combine(fixture.Root, "identity-export");
        ModelExporter.Export(fixture.ModelDirectory, export, new ExportOptions { Pet = PetSource.FromRun(run, fixture.ModelDirectory) });
        foreach (string source in new[] { Path.Combine(export, ModelExporter.PetFileName), Path.Combine(export, ModelExporter.PeftFolder) })
        {
            Assert.Null(PetSource.Open(source, null, fixture.ModelDirectory).Warning);
            Assert.Contains(theirs, Assert.Throws<OtherModelException>(() => PetSource.Open(source, null, other)).Message);
        }
    }

    [Fact]
    public void AHashRecordedBeforeWeightsWereHashedIsRefusedSayingSo()
    {
        var pet = fixture.RandomPet(Spec, seed: 22, scale: 0.2);
        string file = Path.Combine(fixture.Folder("identity-legacy"), "pet.safetensors");
        var writer = new OnnxOll.Onnx.SafeTensors.SafeTensorsWriter();
        writer.Metadata["pet_spec"] = pet.Layout.Spec.ToString();
        writer.Metadata[ModelHash.MetadataKey] = ModelHash.ComputeHeadersOnly(fixture.ModelDirectory);
        foreach (var t in pet.Layout.Tensors)
        {
            writer.Add(t.Name, pet[t.Name], t.Shape);
        }

        writer.Write(file);
        var e = Assert.Throws<OtherModelException>(() => PetSource.Open(file, null, fixture.ModelDirectory));
        Assert.Contains("headers only", e.Message);
    }

    private string OtherModel(string name)
    {
        string dir = Path.Combine(fixture.Root, name);
        TinyClip.Write(dir, seed: 4);
        return dir;
    }
}
