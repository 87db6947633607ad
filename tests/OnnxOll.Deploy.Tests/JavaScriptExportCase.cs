using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.Export;
using OnnxOll.Deploy.OrtAdapters;
using OnnxOll.Deploy.Pet;

namespace OnnxOll.Deploy.Tests;

/// <summary>An export with learned PET prepared for a JavaScript runtime: its folder gains cases.json and the raw input and PET tensors, and
/// the expected embeddings come from OnnxOll's own runs (the bound run with PET that embed and predict use, and the PET-free base export).</summary>
internal sealed class JavaScriptExportCase
{
    private const string Spec = "lora:r=4,alpha=8,towers=both,targets=q+v+o+fc1+fc2";

    /// <summary>Names the files this case adds, so the export's own .bin files (external data) are told apart.</summary>
    private const string CaseFilePrefix = "js-";

    private readonly Dictionary<string, (float[] Base, float[] Fed)> expected = [];
    private readonly JsonArray cases = [];

    private readonly PetInputMode petInputs;

    private JavaScriptExportCase(string folder, PetInputMode petInputs) => (Folder, this.petInputs) = (folder, petInputs);

    public string Folder { get; }

    /// <summary>Exports the fixture's model with random PET (and a base export) and writes the case files.</summary>
    public static JavaScriptExportCase Write(DeployFixture fixture, string name, PetInputMode petInputs)
    {
        var pet = fixture.RandomPet(Spec, seed: 43, scale: 0.3);
        string run = fixture.WriteRun($"js-run-{name}", pet, ["a photo of a {}."], ["red", "green"]);
        string dir = Path.Combine(fixture.Root, $"js-export-{name}"), baseDir = Path.Combine(fixture.Root, $"js-base-{name}");
        ModelExporter.Export(fixture.ModelDirectory, dir, new ExportOptions { Pet = PetSource.FromRun(run, fixture.ModelDirectory), PetInputs = petInputs });
        ModelExporter.Export(fixture.ModelDirectory, baseDir, new ExportOptions { Spec = PetSpec.None });

        var result = new JavaScriptExportCase(dir, petInputs);
        var pixels = ExportInputs.RandomPixels(batch: 3, seed: 9);
        var ids = ExportInputs.PromptIds(classes: 2);
        result.cases.Add(result.Add(dir, baseDir, pet, "vision", ClipGraphNames.PixelValues, "float32", pixels, [3, 3, 32, 32], ClipGraphNames.ImageEmbeds));
        result.cases.Add(result.Add(dir, baseDir, pet, "text", ClipGraphNames.InputIds, "int64", ids, [2, ids.Length / 2], ClipGraphNames.TextEmbeds));
        File.WriteAllText(Path.Combine(dir, "cases.json"), result.cases.ToJsonString());
        return result;
    }

    /// <summary>Asserts a runtime's results: each graph's base output, and the fed and adapter outputs where the runtime ran them, equal OnnxOll's
    /// runs to 1e-5.</summary>
    public void AssertMatches(JsonNode results, bool fed, bool adapter)
    {
        Assert.Null(results["error"]);
        foreach (var (graph, (baseline, withPet)) in expected)
        {
            var result = results[graph]!;
            int petCount = ((JsonArray)cases.Single(c => c!["graph"]!.GetValue<string>() == graph)!["pet"]!).Count;
            Assert.Equal(petInputs == PetInputMode.Optional ? 1 : 1 + petCount, result["inputNames"]!.AsArray().Count);
            AssertClose($"{graph} base", baseline, petInputs == PetInputMode.Optional ? result["base"] : null, null);
            Assert.True(ExportInputs.MaxDifference(withPet, baseline) > 1e-3, $"{graph}: the PET tensors should change the embeddings");
            AssertClose($"{graph} PET fed", withPet, fed ? result["fed"] : null, baseline);
            AssertClose($"{graph} .onnx_adapter", withPet, adapter ? result["adapter"] : null, baseline);
        }
    }

    private static void AssertClose(string what, float[] expected, JsonNode? actual, float[]? baseline)
    {
        if (actual is null)
        {
            return;
        }

        var values = Values(actual);
        Assert.Equal(expected.Length, values.Length);
        double max = ExportInputs.MaxDifference(expected, values);
        bool ignored = baseline is not null && ExportInputs.MaxDifference(baseline, values) <= 1e-5;
        Assert.True(max <= 1e-5, $"{what}: max |difference| {max} > 1e-5{(ignored ? " (equal to the base model's: the PET was ignored)" : "")}");
    }

    private static float[] Values(JsonNode array) => [.. array.AsArray().Select(v => v!.GetValue<float>())];

    private JsonObject Add<T>(string dir, string baseDir, PetParameters pet, string graph, string input, string type, T[] data, long[] shape, string output)
        where T : unmanaged
    {
        string model = graph + ".onnx";
        File.WriteAllBytes(Path.Combine(dir, $"{CaseFilePrefix}{graph}-{input}.bin"), MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
        var petFeeds = new JsonArray();
        using (var session = new InferenceSession(Path.Combine(dir, model)))
        {
            foreach (var name in session.InputMetadata.Keys.Concat(session.OverridableInitializerMetadata.Keys).Where(n => n != input))
            {
                var tensor = pet.Layout.Tensors.Single(t => t.Name == name);
                string file = $"{CaseFilePrefix}{graph}-pet-{petFeeds.Count}.bin";
                File.WriteAllBytes(Path.Combine(dir, file), MemoryMarshal.AsBytes(pet[name].AsSpan()).ToArray());
                petFeeds.Add(new JsonObject { ["name"] = name, ["file"] = file, ["type"] = "float32", ["shape"] = Shape(tensor.Shape) });
            }
        }

        Assert.NotEmpty(petFeeds);
        int rows = (int)shape[0];
        var fed = ExportInputs.RunBound(Path.Combine(dir, model), pet.Layout, pet, input, data, output, rows);
        var baseline = RunPlain(Path.Combine(baseDir, model), input, data, shape, output);
        expected[graph] = (baseline, fed);
        return new JsonObject
        {
            ["graph"] = graph,
            ["base"] = petInputs == PetInputMode.Optional,
            ["model"] = model,
            ["adapter"] = graph + OrtAdapterFile.Extension,
            ["output"] = output,
            ["externalData"] = new JsonArray([.. Directory.GetFiles(dir, "*.bin").Select(Path.GetFileName).Where(f => !f!.StartsWith(CaseFilePrefix, StringComparison.Ordinal)).Select(f => (JsonNode?)f)]),
            ["input"] = new JsonObject { ["name"] = input, ["file"] = $"{CaseFilePrefix}{graph}-{input}.bin", ["type"] = type, ["shape"] = Shape(shape) },
            ["pet"] = petFeeds,
        };
    }

    /// <summary>A graph without PET inputs run by plain ONNX Runtime.</summary>
    private static float[] RunPlain<T>(string path, string input, T[] data, long[] shape, string output) where T : unmanaged
    {
        using var session = new InferenceSession(path);
        using var value = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var options = new RunOptions();
        using var results = session.Run(options, [input], [value], [output]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static JsonArray Shape(IEnumerable<long> shape) => [.. shape.Select(d => (JsonNode?)d)];
}
