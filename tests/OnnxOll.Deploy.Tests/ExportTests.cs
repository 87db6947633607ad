using System.Text.Json.Nodes;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Export;
using OnnxOll.Inference;
using OnnxOll.Deploy.OrtAdapters;
using OnnxOll.Deploy.Peft;
using OnnxOll.Deploy.Pet;
using OnnxOll.Onnx.Models;
using OnnxOll.Onnx.Proto;
using OnnxOll.Runtime;

namespace OnnxOll.Deploy.Tests;

[Collection(DeployCollection.Name)]
public sealed class ExportTests(DeployFixture fixture)
{
    private static readonly string[] Classes = ["red", "green", "blue"];

    [Theory]
    [InlineData("lora:r=4,alpha=8,towers=both,targets=q+v+o+fc1+fc2")]
    [InlineData("lora:r=2,alpha=4,towers=both,targets=qkv;adapter:dim=8,scale=0.5,towers=image")]
    public void MergedModelEqualsTheGraphWithPetInputsAndTheFolderIsSelfContained(string spec)
    {
        string tag = spec.Contains("adapter", StringComparison.Ordinal) ? "adapter" : "lora";
        var pet = fixture.RandomPet(spec, seed: 21, scale: 0.3);
        string run = fixture.WriteRun($"export-run-{tag}", pet, ["a photo of a {}."], Classes);
        string first = Path.Combine(fixture.Root, $"export-{tag}");

        var manifest = ModelExporter.Export(fixture.ModelDirectory, first, new ExportOptions { Pet = PetSource.FromRun(run, fixture.ModelDirectory), Merge = true });

        // The spec is the run's and pet.safetensors holds the learned tensors, not initial ones.
        Assert.Equal(pet.Layout.Spec.ToString(), manifest["pet_spec"]!.GetValue<string>());
        Assert.True(manifest["pet"]!["learned"]!.GetValue<bool>());
        DeployFixture.AssertSameTensors(pet, PetParameters.Load(Path.Combine(first, ModelExporter.PetFileName), pet.Layout));

        // Moved elsewhere, the folder still loads: every graph resolves weights.bin beside itself, not in the cache.
        string moved = Path.Combine(fixture.Root, "elsewhere", $"export-{tag}");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(first, moved);
        // No graph reaches outside its folder (e.g. into the model cache): every external tensor names a file beside the graph, in bounds.
        foreach (string graph in Directory.GetFiles(moved, "*.onnx", SearchOption.AllDirectories))
        {
            var external = ModelIO.Load(graph).Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToArray();
            Assert.NotEmpty(external);
            Assert.All(external, t =>
            {
                var (location, offset, length) = ExternalData.Describe(t);
                Assert.Equal(Path.GetFileName(location), location);
                string file = Path.Combine(Path.GetDirectoryName(graph)!, location);
                Assert.True(File.Exists(file), $"{graph}: {t.Name} is in {location}, which is not beside it");
                Assert.True(offset + length <= new FileInfo(file).Length, $"{graph}: {t.Name} lies beyond the end of {location}");
            });
        }

        var layout = pet.Layout;
        var pixels = ExportInputs.RandomPixels(batch: 3, seed: 2);
        var ids = ExportInputs.PromptIds(classes: 2);
        var zero = PetParameters.Create(layout, 0);

        var visionPet = ExportInputs.RunBound(Path.Combine(moved, "vision.onnx"), layout, pet, ClipGraphNames.PixelValues, pixels, ClipGraphNames.ImageEmbeds, 3);
        var visionMerged = ExportInputs.RunBound(Path.Combine(moved, "merged", "vision.onnx"), layout, pet, ClipGraphNames.PixelValues, pixels, ClipGraphNames.ImageEmbeds, 3);
        var visionBase = ExportInputs.RunBound(Path.Combine(moved, "vision.onnx"), layout, zero, ClipGraphNames.PixelValues, pixels, ClipGraphNames.ImageEmbeds, 3);
        var textPet = ExportInputs.RunBound(Path.Combine(moved, "text.onnx"), layout, pet, ClipGraphNames.InputIds, ids, ClipGraphNames.TextEmbeds, 2);
        var textMerged = ExportInputs.RunBound(Path.Combine(moved, "merged", "text.onnx"), layout, pet, ClipGraphNames.InputIds, ids, ClipGraphNames.TextEmbeds, 2);
        var textBase = ExportInputs.RunBound(Path.Combine(moved, "text.onnx"), layout, zero, ClipGraphNames.InputIds, ids, ClipGraphNames.TextEmbeds, 2);

        ExportInputs.AssertClose(visionPet, visionMerged, 1e-4);
        ExportInputs.AssertClose(textPet, textMerged, 1e-4);
        Assert.True(ExportInputs.MaxDifference(visionPet, visionBase) > 1e-3, "the PET tensors should change the image embeddings");
        Assert.True(ExportInputs.MaxDifference(textPet, textBase) > 1e-3, "the PET tensors should change the text embeddings");
    }

    [Fact]
    public void ManifestDescribesGraphsAndPetTensorsAndTheTrainingGraphRuns()
    {
        const string spec = "lora:r=4,alpha=8,towers=image,targets=q+v";
        string dir = Path.Combine(fixture.Root, "export-manifest");
        ModelExporter.Export(fixture.ModelDirectory, dir, new ExportOptions { Spec = PetSpec.Parse(spec), Seed = 5 });

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ModelExporter.ManifestFileName)))!;
        var layout = new PetLayout(PetSpec.Parse(spec), fixture.Config);
        Assert.Equal(PetSpec.Parse(spec).ToString(), manifest["pet_spec"]!.GetValue<string>());
        Assert.Equal(layout.Tensors.Select(t => t.Name), manifest["pet_tensors"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));
        var train = manifest["graphs"]!["train"]!;
        Assert.Contains(ClipGraphNames.PixelValues, train["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.Contains(ClipGraphNames.TextFeatures, train["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.Contains(ClipGraphNames.Gradient(layout.Tensors[0].Name), train["outputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
        Assert.Equal(new JsonArray("batch", 3, 32, 32).ToJsonString(), manifest["graphs"]!["vision"]!["inputs"]![0]!["shape"]!.ToJsonString());
        Assert.Null(manifest["merged"]);
        Assert.False(manifest["pet"]!["learned"]!.GetValue<bool>());
        Assert.Null(manifest["classes"]);

        var pet = PetParameters.Load(Path.Combine(dir, ModelExporter.PetFileName), layout);
        var expected = PetParameters.Create(layout, 5);
        Assert.All(layout.Tensors, t => Assert.Equal(expected[t.Name], pet[t.Name]));

        using var session = SessionFactory.Open(Path.Combine(dir, "train.onnx"));
        Assert.Contains(ClipGraphNames.Loss, session.OutputNames);
        Assert.True(File.Exists(Path.Combine(dir, FrozenWeights.FileName)));
    }

    [Fact]
    public void MergeOfAnAdapterOnlyRunSaysNothingWasFolded()
    {
        var pet = fixture.RandomPet("adapter:dim=4,scale=0.5,towers=image", seed: 23, scale: 0.3);
        string run = fixture.WriteRun("export-run-adapter-only", pet, ["a photo of a {}."], Classes);
        var manifest = ModelExporter.Export(fixture.ModelDirectory, Path.Combine(fixture.Root, "export-adapter-only"),
            new ExportOptions { Pet = PetSource.FromRun(run, fixture.ModelDirectory), Merge = true });

        Assert.Null(manifest["merged"]!["folded"]);
        Assert.Equal("adapter tensors as initializers", manifest["merged"]!["constants"]!.GetValue<string>());
    }

    [Fact]
    public void MergeRefusesARunOfAnotherPetSpec()
    {
        var pet = fixture.RandomPet("lora:r=4,alpha=8,towers=image,targets=q", seed: 1, scale: 0.1);
        string run = fixture.WriteRun("export-other-run", pet, ["{}"], Classes);

        var e = Assert.Throws<ArgumentException>(() => ModelExporter.Export(fixture.ModelDirectory, Path.Combine(fixture.Root, "export-other"),
            new ExportOptions { Spec = PetSpec.Parse("lora:r=4,alpha=8,towers=image,targets=v"), Pet = PetSource.FromRun(run, fixture.ModelDirectory), Merge = true }));
        Assert.Contains(run, e.Message);
    }

    [Fact]
    public void ExportOfARunHoldsTheLearnedPetAsSafetensorsPeftAndOrtAdapterWithClassesAndModelFiles()
    {
        const string spec = "lora:r=2,alpha=4,towers=both,targets=qkv+o;adapter:dim=8,scale=0.5,towers=image,layers=1";
        var pet = fixture.RandomPet(spec, seed: 8, scale: 0.2);
        string run = fixture.WriteRun("export-learned-run", pet, ["a photo of a {}.", "a {} thing."], Classes);
        string dir = Path.Combine(fixture.Root, "export-learned");

        var manifest = ModelExporter.Export(fixture.ModelDirectory, dir, new ExportOptions { Pet = PetSource.FromRun(run, fixture.ModelDirectory) });

        Assert.True(manifest["pet"]!["learned"]!.GetValue<bool>());
        Assert.Equal(PetSpec.Parse(spec).ToString(), manifest["pet_spec"]!.GetValue<string>());
        DeployFixture.AssertSameTensors(pet, PetParameters.Load(Path.Combine(dir, ModelExporter.PetFileName), pet.Layout));
        DeployFixture.AssertSameTensors(pet, OrtAdapterFile.Read(Path.Combine(dir, ModelExporter.OrtAdapterFileName)).Fill(pet.Layout));
        var peft = PeftAdapterFolder.Read(Path.Combine(dir, ModelExporter.PeftFolder));
        Assert.Equal(pet.Layout.Spec.ToString(), peft.Spec.ToString());
        DeployFixture.AssertSameTensors(pet, peft.Tensors.Fill(pet.Layout));
        Assert.Equal(Classes, peft.Classes);
        Assert.Equal(["a photo of a {}.", "a {} thing."], manifest["prompts"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(Classes, manifest["classes"]!.AsArray().Select(p => p!.GetValue<string>()));
        foreach (string file in new[] { "config.json", "vocab.json", "merges.txt", "preprocessor_config.json", ModelExporter.ClassEmbeddingsFileName })
        {
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        }

        // The stored class features are the text tower's with the learned PET (prompts averaged), as predict computes them.
        var stored = ClassEmbeddings.Load(Path.Combine(dir, ModelExporter.ClassEmbeddingsFileName));
        using var runtime = ClipModelRuntime.Open(fixture.ModelDirectory, pet.Layout.Spec);
        var expected = ClipClassifier.ClassFeatures(runtime, pet, Classes, ["a photo of a {}.", "a {} thing."]);
        Assert.Equal(Classes, stored.Names);
        Assert.Equal(expected.Rows, stored.Rows);
    }

    [Theory]
    [InlineData("manifest-field")]
    [InlineData("vocab.json")]
    [InlineData("pet.safetensors")]
    [InlineData("class_embeddings.safetensors")]
    public void ADamagedExportIsRefusedNamingTheFile(string damage)
    {
        var pet = fixture.RandomPet("lora:r=2,alpha=2,towers=both,targets=q", seed: 17, scale: 0.1);
        string run = fixture.WriteRun($"export-damaged-run-{damage}", pet, ["{}"], Classes);
        string dir = Path.Combine(fixture.Root, $"export-damaged-{damage}");
        ModelExporter.Export(fixture.ModelDirectory, dir, new ExportOptions { Pet = PetSource.FromRun(run, fixture.ModelDirectory) });
        string damaged = Path.Combine(dir, damage == "manifest-field" ? ModelExporter.ManifestFileName : damage);
        if (damage == "manifest-field")
        {
            var manifest = JsonNode.Parse(File.ReadAllText(damaged))!.AsObject();
            manifest.Remove("pet_spec");
            File.WriteAllText(damaged, manifest.ToJsonString());
        }
        else
        {
            File.WriteAllBytes(damaged, File.ReadAllBytes(damaged)[..10]);
        }

        var e = Assert.ThrowsAny<Exception>(() => ExportedModel.Open(dir).Dispose());

        Assert.True(e is InvalidDataException or FileNotFoundException, e.GetType().Name + ": " + e.Message);
        Assert.Contains(damaged, e.Message);
    }
}
