using Microsoft.ML.OnnxRuntime;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Export;
using OnnxOll.Deploy.OrtAdapters;
using OnnxOll.Deploy.Pet;

namespace OnnxOll.Deploy.Tests;

/// <summary>An export's vision.onnx and text.onnx run in plain ONNX Runtime without their PET inputs (the base model, as a graph without PET
/// gives it), with them fed (the learned PET, as OnnxOll's bound run gives it) and with the .onnx_adapter active instead; the manifest says
/// the outputs are L2-normalised. Before, the PET inputs were required: a run without them failed.</summary>
[Collection(DeployCollection.Name)]
public sealed class OptionalPetInputTests(DeployFixture fixture)
{
    [Theory]
    [InlineData("lora", "lora:r=4,alpha=8,towers=both,targets=q+v+o+fc1+fc2")]
    [InlineData("adapter", "lora:r=2,alpha=4,towers=both,targets=qkv;adapter:dim=8,scale=0.5,towers=both")]
    public void GraphsRunWithoutPetAsTheBaseModelAndWithPetFedOrAsAnAdapter(string tag, string spec)
    {
        var pet = fixture.RandomPet(spec, seed: 41, scale: 0.3);
        string run = fixture.WriteRun($"optional-run-{tag}", pet, ["a photo of a {}."], ["red", "green"]);
        string dir = Path.Combine(fixture.Root, $"optional-export-{tag}"), baseDir = Path.Combine(fixture.Root, $"optional-base-{tag}");
        var manifest = ModelExporter.Export(fixture.ModelDirectory, dir, new ExportOptions { Pet = PetSource.FromRun(run, fixture.ModelDirectory) });
        ModelExporter.Export(fixture.ModelDirectory, baseDir, new ExportOptions { Spec = PetSpec.None });

        Assert.Contains("L2-normalised", manifest["outputs"]![ClipGraphNames.ImageEmbeds]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("L2-normalised", manifest["outputs"]![ClipGraphNames.TextEmbeds]!.GetValue<string>(), StringComparison.Ordinal);
        var visionInputs = manifest["graphs"]!["vision"]!["inputs"]!.AsArray();
        Assert.Null(visionInputs.Single(i => i!["name"]!.GetValue<string>() == ClipGraphNames.PixelValues)!["optional"]);
        Assert.All(visionInputs.Where(i => i!["name"]!.GetValue<string>() != ClipGraphNames.PixelValues), i => Assert.True(i!["optional"]!.GetValue<bool>()));

        var pixels = ExportInputs.RandomPixels(batch: 3, seed: 7);
        var ids = ExportInputs.PromptIds(classes: 2);
        foreach (var (graph, input, value, output, rows) in new (string, string, OrtValue, string, int)[]
        {
            ("vision", ClipGraphNames.PixelValues, OrtValue.CreateTensorValueFromMemory(pixels, [3, 3, 32, 32]), ClipGraphNames.ImageEmbeds, 3),
            ("text", ClipGraphNames.InputIds, OrtValue.CreateTensorValueFromMemory(ids, [2, ids.Length / 2]), ClipGraphNames.TextEmbeds, 2),
        })
        {
            using var _ = value;
            using var session = new InferenceSession(Path.Combine(dir, graph + ".onnx"));
            using var baseSession = new InferenceSession(Path.Combine(baseDir, graph + ".onnx"));
            Assert.Equal([input], session.InputNames);
            var petInputs = session.OverridableInitializerMetadata.Keys.ToArray();
            Assert.NotEmpty(petInputs);

            var withoutPet = Run(session, [input], [value], output);
            ExportInputs.AssertClose(Run(baseSession, [input], [value], output), withoutPet, 1e-5);

            var fedValues = petInputs.Select(n => OrtValue.CreateTensorValueFromMemory(pet[n], pet.Layout.Tensors.Single(t => t.Name == n).Shape)).ToArray();
            var fed = Run(session, [input, .. petInputs], [value, .. fedValues], output);
            Array.ForEach(fedValues, v => v.Dispose());
            var bound = graph == "vision"
                ? ExportInputs.RunBound(Path.Combine(dir, "vision.onnx"), pet.Layout, pet, input, pixels, output, rows)
                : ExportInputs.RunBound(Path.Combine(dir, "text.onnx"), pet.Layout, pet, input, ids, output, rows);
            ExportInputs.AssertClose(bound, fed, 1e-5);
            Assert.True(ExportInputs.MaxDifference(fed, withoutPet) > 1e-3, $"{graph}: the PET tensors should change the embeddings");

            using var adapter = OrtLoraAdapter.Create(Path.Combine(dir, graph + OrtAdapterFile.Extension), null);
            using var options = new RunOptions();
            options.AddActiveLoraAdapter(adapter);
            ExportInputs.AssertClose(fed, Run(session, [input], [value], output, options), 1e-5);
        }
    }

    private static float[] Run(InferenceSession session, string[] names, OrtValue[] values, string output, RunOptions? options = null)
    {
        using var defaults = new RunOptions();
        using var results = session.Run(options ?? defaults, names, values, [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
