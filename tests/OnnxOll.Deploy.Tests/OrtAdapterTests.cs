using Microsoft.ML.OnnxRuntime;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Export;
using OnnxOll.Deploy.OrtAdapters;

namespace OnnxOll.Deploy.Tests;

[Collection(DeployCollection.Name)]
public sealed class OrtAdapterTests(DeployFixture fixture)
{
    [Theory]
    [InlineData("lora:r=4,alpha=8,towers=both,targets=q+v+o")]
    [InlineData("lora:r=2,alpha=4,towers=image,targets=qkv;adapter:dim=8,scale=0.5,towers=image")]
    public void OnnxRuntimeLoadsTheAdapterAndGivesTheOutputsOfFeedingTheTensors(string spec)
    {
        var pet = fixture.RandomPet(spec, seed: 13, scale: 0.3);
        string dir = fixture.Folder("ort-" + Math.Abs(spec.GetHashCode(StringComparison.Ordinal)));
        ModelExporter.Export(fixture.ModelDirectory, dir, new ExportOptions { Spec = pet.Layout.Spec });
        string allPath = Path.Combine(dir, "learned" + OrtAdapterFile.Extension);
        OrtAdapterFile.Write(pet, allPath);
        DeployFixture.AssertSameTensors(pet, OrtAdapterFile.Read(allPath).Fill(pet.Layout));

        using var session = new InferenceSession(Path.Combine(dir, "vision.onnx"));
        string adapterPath = Path.Combine(dir, "learned-vision" + OrtAdapterFile.Extension);
        OrtAdapterFile.Write(pet, adapterPath, session.InputMetadata.Keys.ToArray());
        var v = fixture.Config.Vision;
        var random = new Random(1);
        var pixels = Enumerable.Range(0, 2 * 3 * v.ImageSize * v.ImageSize).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        using var pixelValue = OrtValue.CreateTensorValueFromMemory(pixels, [2, 3, v.ImageSize, v.ImageSize]);
        var petInputs = pet.Layout.Tensors.Where(t => session.InputMetadata.ContainsKey(t.Name)).ToArray();
        Assert.NotEmpty(petInputs);

        // Fed directly: pixel_values and every PET tensor as inputs.
        var fed = petInputs.Select(t => OrtValue.CreateTensorValueFromMemory(pet[t.Name], t.Shape)).ToList();
        float[] direct;
        using (var runOptions = new RunOptions())
        using (var outputs = session.Run(runOptions, [ClipGraphNames.PixelValues, .. petInputs.Select(t => t.Name)], [pixelValue, .. fed], [ClipGraphNames.ImageEmbeds]))
        {
            direct = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        fed.ForEach(f => f.Dispose());

        // Through ONNX Runtime's adapter API: only pixel_values is fed, the adapter supplies the PET inputs.
        float[] adapted;
        using (var adapter = OrtLoraAdapter.Create(adapterPath, null))
        using (var runOptions = new RunOptions())
        {
            runOptions.AddActiveLoraAdapter(adapter);
            using var outputs = session.Run(runOptions, [ClipGraphNames.PixelValues], [pixelValue], [ClipGraphNames.ImageEmbeds]);
            adapted = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }

        Assert.Equal(direct, adapted);
        var zero = PetParameters.Create(pet.Layout, 0);
        Assert.NotEqual(zero[petInputs[0].Name], pet[petInputs[0].Name]);
    }

    [Fact]
    public void ANonAdapterFileIsRefusedNamingIt()
    {
        string path = Path.Combine(fixture.Folder("ort-bad"), "bad" + OrtAdapterFile.Extension);
        File.WriteAllBytes(path, new byte[64]);
        var e = Assert.Throws<InvalidDataException>(() => OrtAdapterFile.Read(path));
        Assert.Contains(path, e.Message);
    }
}
