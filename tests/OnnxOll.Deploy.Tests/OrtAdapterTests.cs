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
        OrtAdapterFile.Write(pet, adapterPath, GraphInputs(session));
        var v = fixture.Config.Vision;
        var random = new Random(1);
        var pixels = Enumerable.Range(0, 2 * 3 * v.ImageSize * v.ImageSize).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        using var pixelValue = OrtValue.CreateTensorValueFromMemory(pixels, [2, 3, v.ImageSize, v.ImageSize]);
        var petInputs = pet.Layout.Tensors.Where(t => GraphInputs(session).Contains(t.Name)).ToArray();
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
    public void OneSessionServesTwoAdaptersSwappedPerRequest()
    {
        const string spec = "lora:r=2,alpha=4,towers=image,targets=q+v+fc1";
        var first = fixture.RandomPet(spec, seed: 41, scale: 0.3);
        var second = fixture.RandomPet(spec, seed: 42, scale: 0.3);
        string dir = fixture.Folder("ort-swap");
        ModelExporter.Export(fixture.ModelDirectory, dir, new ExportOptions { Spec = first.Layout.Spec });
        using var session = new InferenceSession(Path.Combine(dir, "vision.onnx"));
        var inputs = GraphInputs(session);
        string firstPath = Path.Combine(dir, "first" + OrtAdapterFile.Extension), secondPath = Path.Combine(dir, "second" + OrtAdapterFile.Extension);
        OrtAdapterFile.Write(first, firstPath, inputs);
        OrtAdapterFile.Write(second, secondPath, inputs);
        var v = fixture.Config.Vision;
        var random = new Random(7);
        var pixels = Enumerable.Range(0, 3 * v.ImageSize * v.ImageSize).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
        using var pixelValue = OrtValue.CreateTensorValueFromMemory(pixels, [1, 3, v.ImageSize, v.ImageSize]);
        var expectedFirst = Fed(session, first, pixelValue);
        var expectedSecond = Fed(session, second, pixelValue);
        Assert.NotEqual(expectedFirst, expectedSecond);

        // Both adapters loaded once; each request names its own, in alternation, on the same session.
        using var firstAdapter = OrtLoraAdapter.Create(firstPath, null);
        using var secondAdapter = OrtLoraAdapter.Create(secondPath, null);
        foreach (var (adapter, expected) in new[] { (firstAdapter, expectedFirst), (secondAdapter, expectedSecond), (firstAdapter, expectedFirst), (secondAdapter, expectedSecond) })
        {
            using var runOptions = new RunOptions();
            runOptions.AddActiveLoraAdapter(adapter);
            using var outputs = session.Run(runOptions, [ClipGraphNames.PixelValues], [pixelValue], [ClipGraphNames.ImageEmbeds]);
            Assert.Equal(expected, outputs[0].GetTensorDataAsSpan<float>().ToArray());
        }
    }

    /// <summary>The image embeddings with every PET input of <paramref name="session"/> fed from <paramref name="pet"/>.</summary>
    private static float[] Fed(InferenceSession session, PetParameters pet, OrtValue pixelValue)
    {
        var petInputs = pet.Layout.Tensors.Where(t => GraphInputs(session).Contains(t.Name)).ToArray();
        var fed = petInputs.Select(t => OrtValue.CreateTensorValueFromMemory(pet[t.Name], t.Shape)).ToList();
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [ClipGraphNames.PixelValues, .. petInputs.Select(t => t.Name)], [pixelValue, .. fed], [ClipGraphNames.ImageEmbeds]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            fed.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public void ANonAdapterFileIsRefusedNamingIt()
    {
        string path = Path.Combine(fixture.Folder("ort-bad"), "bad" + OrtAdapterFile.Extension);
        File.WriteAllBytes(path, new byte[64]);
        var e = Assert.Throws<InvalidDataException>(() => OrtAdapterFile.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.1)]
    public void ATruncatedAdapterFileIsRefusedNamingIt(double kept)
    {
        var pet = fixture.RandomPet("lora:r=2,alpha=2,towers=image,targets=q", seed: 3, scale: 0.1);
        string path = Path.Combine(fixture.Folder("ort-truncated"), $"cut-{kept}" + OrtAdapterFile.Extension);
        OrtAdapterFile.Write(pet, path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * kept)]);

        var e = Assert.Throws<InvalidDataException>(() => OrtAdapterFile.Read(path));

        Assert.Contains(path, e.Message);
    }

    // An export's PET inputs have zero initializers, so ONNX Runtime lists them as overridable initializers, not inputs.
    private static string[] GraphInputs(InferenceSession session) => [.. session.InputMetadata.Keys, .. session.OverridableInitializerMetadata.Keys];
}
