using System.Text.Json.Nodes;
using OnnxOll.Cli.Export;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner;
using OnnxOll.Runtime;

namespace OnnxOll.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class ExportTests(CliFixture fixture)
{
    [Theory]
    [InlineData("lora:r=4,alpha=8,towers=both,targets=q+v+o+fc1+fc2")]
    [InlineData("lora:r=2,alpha=4,towers=both,targets=qkv;adapter:dim=8,scale=0.5,towers=image")]
    public void MergedModelEqualsTheGraphWithPetInputsAndTheFolderIsSelfContained(string spec)
    {
        string tag = spec.Contains("adapter", StringComparison.Ordinal) ? "adapter" : "lora";
        var pet = fixture.RandomPet(spec, seed: 21, scale: 0.3);
        string run = Path.GetDirectoryName(fixture.PathFor($"export-run-{tag}/x"))!;
        RunFolders.Write(run, fixture.ModelDirectory, pet, ["a photo of a {}."]);
        string first = Path.Combine(fixture.Root, $"export-{tag}");

        Assert.Equal(0, CliFixture.Invoke("export", "--model", fixture.ModelDirectory, "--pet", spec, "--out", first, "--merge", run));

        // Moved elsewhere, the folder still loads: every graph resolves weights.bin beside itself, not in the cache.
        string moved = Path.Combine(fixture.Root, "elsewhere", $"export-{tag}");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(first, moved);
        var layout = pet.Layout;
        var pixels = RandomPixels(batch: 3, seed: 2);
        var ids = PromptIds(classes: 2);
        var zero = PetParameters.Create(layout, 0);

        var visionPet = Run(Path.Combine(moved, "vision.onnx"), layout, pet, ClipGraphNames.PixelValues, pixels, ClipGraphNames.ImageEmbeds, 3);
        var visionMerged = Run(Path.Combine(moved, "merged", "vision.onnx"), layout, pet, ClipGraphNames.PixelValues, pixels, ClipGraphNames.ImageEmbeds, 3);
        var visionBase = Run(Path.Combine(moved, "vision.onnx"), layout, zero, ClipGraphNames.PixelValues, pixels, ClipGraphNames.ImageEmbeds, 3);
        var textPet = Run(Path.Combine(moved, "text.onnx"), layout, pet, ClipGraphNames.InputIds, ids, ClipGraphNames.TextEmbeds, 2);
        var textMerged = Run(Path.Combine(moved, "merged", "text.onnx"), layout, pet, ClipGraphNames.InputIds, ids, ClipGraphNames.TextEmbeds, 2);
        var textBase = Run(Path.Combine(moved, "text.onnx"), layout, zero, ClipGraphNames.InputIds, ids, ClipGraphNames.TextEmbeds, 2);

        AssertClose(visionPet, visionMerged, 1e-4);
        AssertClose(textPet, textMerged, 1e-4);
        Assert.True(MaxDifference(visionPet, visionBase) > 1e-3, "the PET tensors should change the image embeddings");
        Assert.True(MaxDifference(textPet, textBase) > 1e-3, "the PET tensors should change the text embeddings");
    }

    [Fact]
    public void ManifestDescribesGraphsAndPetTensorsAndTheTrainingGraphRuns()
    {
        const string spec = "lora:r=4,alpha=8,towers=image,targets=q+v";
        string dir = Path.Combine(fixture.Root, "export-manifest");
        ModelExporter.Export(fixture.ModelDirectory, PetSpec.Parse(spec), dir, null, seed: 5, doubleSoftmax: false);

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

        var pet = PetParameters.Load(Path.Combine(dir, ModelExporter.PetFileName), layout);
        var expected = PetParameters.Create(layout, 5);
        Assert.All(layout.Tensors, t => Assert.Equal(expected[t.Name], pet[t.Name]));

        using var session = SessionFactory.Open(Path.Combine(dir, "train.onnx"));
        Assert.Contains(ClipGraphNames.Loss, session.OutputNames);
        Assert.True(File.Exists(Path.Combine(dir, FrozenWeights.FileName)));
    }

    [Fact]
    public void MergeRefusesARunOfAnotherPetSpec()
    {
        var pet = fixture.RandomPet("lora:r=4,alpha=8,towers=image,targets=q", seed: 1, scale: 0.1);
        string run = Path.GetDirectoryName(fixture.PathFor("export-other-run/x"))!;
        RunFolders.Write(run, fixture.ModelDirectory, pet, ["{}"]);

        var e = Assert.Throws<ArgumentException>(() => ModelExporter.Export(fixture.ModelDirectory, PetSpec.Parse("lora:r=4,alpha=8,towers=image,targets=v"),
            Path.Combine(fixture.Root, "export-other"), run, 0, false));
        Assert.Contains(run, e.Message);
    }

    private static float[] Run<T>(string path, PetLayout layout, PetParameters pet, string input, T[] data, string output, int rows) where T : unmanaged
    {
        using var session = SessionFactory.Open(path);
        using var run = session.Bind();
        long[] shape = typeof(T) == typeof(float) ? [rows, 3, 32, 32] : [rows, data.Length / rows];
        data.AsSpan().CopyTo(run.Input(input, shape).AsSpan<T>());
        var embeds = run.Output(output, rows, 32);
        new PetBinding(session, run, layout, gradients: false).CopyIn(pet);
        run.Run();
        return embeds.AsSpan<float>().ToArray();
    }

    private static float[] RandomPixels(int batch, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, batch * 3 * 32 * 32).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
    }

    private static long[] PromptIds(int classes)
    {
        var ids = new long[classes * 16];
        for (int c = 0; c < classes; c++)
        {
            ids[c * 16] = Clip.Text.TinyVocabulary.StartOfTextId;
            for (int t = 1; t < 6 + c; t++)
            {
                ids[(c * 16) + t] = 10 + (7 * t) + c;
            }

            ids[(c * 16) + 6 + c] = Clip.Text.TinyVocabulary.EndOfTextId;
        }

        return ids;
    }

    private static double MaxDifference(float[] a, float[] b) => a.Select((x, i) => Math.Abs(x - b[i])).Max();

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = MaxDifference(expected, actual);
        Assert.True(max <= tolerance, $"max |difference| {max} > {tolerance}");
    }
}
