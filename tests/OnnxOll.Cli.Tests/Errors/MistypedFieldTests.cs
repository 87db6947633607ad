using System.Text.Json.Nodes;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests.Errors;

/// <summary>A JSON file edited by hand (an export's manifest, a run's summary) or a batch tensor of the wrong dtype is refused with one line
/// naming the file and the field, expected vs actual, never a .NET type or method name.</summary>
[Collection(CliCollection.Name)]
public sealed class MistypedFieldTests(CliFixture fixture)
{
    [Theory]
    [InlineData("format", "5", "a number (5), expected a string")]
    [InlineData("version", "\"2\"", "a string (\"2\"), expected an integer")]
    [InlineData("pet_spec", "3", "a number (3), expected a string")]
    [InlineData("logit_scale", "\"high\"", "a string (\"high\"), expected a number")]
    [InlineData("logit_scale", "1e300", "expected a finite number")]
    [InlineData("prompts", "[1]", "field 'prompts[0]' is a number (1), expected a string")]
    [InlineData("prompts", "\"a {}\"", "field 'prompts' is a string")]
    public void ExportManifestFieldOfTheWrongTypeIsNamed(string field, string json, string expected)
    {
        string export = Export($"typed-{field}-{json.Length}");
        string manifest = Path.Combine(export, "manifest.json");
        var node = JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        node[field] = JsonNode.Parse(json);
        File.WriteAllText(manifest, node.ToJsonString());

        string line = ErrorLine.AssertInputError(Predict(export), manifest, expected);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("do_center_crop", "\"no\"", "field 'do_center_crop' is a string (\"no\"), expected true or false")]
    [InlineData("image_mean", "[1, \"a\", 3]", "field 'image_mean[1]' is a string (\"a\"), expected a number")]
    [InlineData("image_mean", "[1e40, 0, 0]", "field 'image_mean[0]' is a number (1e40), expected a finite number")]
    [InlineData("image_std", "[0, 0, 0]", "field 'image_std' is [0,0,0], expected 3 numbers greater than 0")]
    [InlineData("crop_size", "{\"height\": \"a\", \"width\": 3}", "field 'crop_size.height' is a string (\"a\"), expected an integer")]
    public void PreprocessorConfigFieldOfTheWrongTypeIsNamed(string field, string json, string expected)
    {
        string model = fixture.CopyModel($"typed-preprocessor-{field}-{json.Length}");
        string config = Path.Combine(model, "preprocessor_config.json");
        File.WriteAllText(config, new JsonObject { [field] = JsonNode.Parse(json) }.ToJsonString());
        string image = fixture.PathFor("typed.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 2);
        ErrorLine.AssertInputError(CliFixture.Run("predict", "--model", model, "--image", image, "--labels", "a,b", "--threads", "1"), config, expected);
    }

    [Theory]
    [InlineData("r", "\"4\"", "field 'r' is a string (\"4\"), expected an integer")]
    [InlineData("lora_alpha", "\"x\"", "field 'lora_alpha' is a string (\"x\"), expected a number")]
    [InlineData("use_dora", "\"no\"", "field 'use_dora' is a string (\"no\"), expected true or false")]
    [InlineData("base_model_name_or_path", "5", "field 'base_model_name_or_path' is a number (5), expected a string")]
    public void PeftAdapterConfigFieldOfTheWrongTypeIsNamed(string field, string json, string expected)
    {
        string pet = fixture.WritePet($"typed-peft-{field}.safetensors", "lora:r=4,alpha=8,towers=both,targets=q+v", seed: 1, scale: 0.1);
        string adapter = fixture.PathFor($"typed-peft-{field}");
        Assert.Equal(0, CliFixture.Invoke("adapter", "--model", fixture.ModelDirectory, "--run", pet, "--out", adapter));
        string config = Path.Combine(adapter, "adapter_config.json");
        var node = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        node[field] = JsonNode.Parse(json);
        File.WriteAllText(config, node.ToJsonString());
        string line = ErrorLine.AssertInputError(CliFixture.Run("adapter", "--model", fixture.ModelDirectory, "--run", adapter, "--format", "onnx",
            "--out", fixture.PathFor($"typed-peft-{field}.onnx_adapter")), config, expected);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedExportWeightsGiveTheReasonNotTheNativeSourceLocation()
    {
        string export = Export("typed-truncated-weights");
        string weights = Path.Combine(export, "weights.bin");
        var bytes = File.ReadAllBytes(weights);
        File.Delete(weights); // a hard link to the cache's weights: replace it, never write through it
        File.WriteAllBytes(weights, bytes[..100]);
        string line = ErrorLine.AssertInputError(Predict(export), Path.Combine(export, "vision.onnx"), "file_length: 100", "out of bounds");
        Assert.DoesNotContain("onnxruntime_src", line, StringComparison.Ordinal);
        Assert.DoesNotContain("std::", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "metadata 'classes' is not JSON ('not json')")]
    [InlineData("{\"a\": 1}", "metadata 'classes' is an object, expected a JSON list of strings")]
    [InlineData("[1]", "metadata 'classes'[0] is a number (1), expected a string")]
    public void ClassListMetadataThatIsNotAListOfStringsIsNamed(string classes, string expected)
    {
        string export = Export($"typed-class-list-{classes.Length}");
        string path = Path.Combine(export, "class_embeddings.safetensors");
        Rewrite(path, "classes", classes);
        ErrorLine.AssertInputError(Predict(export), path, expected);
    }

    [Fact]
    public void AdapterPromptsMetadataThatIsNotAListOfStringsNamesTheAdapter()
    {
        string pet = fixture.WritePet("typed-prompts.safetensors", "lora:r=4,alpha=8,towers=both,targets=q+v", seed: 1, scale: 0.1);
        string adapter = fixture.PathFor("typed-prompts-adapter");
        Assert.Equal(0, CliFixture.Invoke("adapter", "--model", fixture.ModelDirectory, "--run", pet, "--out", adapter));
        Rewrite(Path.Combine(adapter, "adapter_model.safetensors"), "prompts", "[1]");
        ErrorLine.AssertInputError(CliFixture.Run("adapter", "--model", fixture.ModelDirectory, "--run", adapter, "--format", "onnx",
            "--out", fixture.PathFor("typed-prompts.onnx_adapter")), adapter, "adapter metadata 'prompts'[0] is a number (1), expected a string");
    }

    [Fact]
    public void ClassEmbeddingsListedByTheManifestButMissingAreNamed()
    {
        string export = Export("typed-no-classes");
        string classes = Path.Combine(export, "class_embeddings.safetensors");
        File.Delete(classes);
        ErrorLine.AssertInputError(Predict(export), classes, "does not exist", "class_embeddings");
    }

    [Fact]
    public void ResultsRefuseAFolderWithoutRunsAndNameABadSummary()
    {
        string empty = fixture.PathFor(Path.Combine("results-empty", "iid", "sit", "x"));
        File.WriteAllText(empty, "not a run");
        string root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(empty)!)!)!;
        string markdown = fixture.PathFor(Path.Combine("results-out", "results.md"));
        ErrorLine.AssertInputError(CliFixture.Run("results", "--runs", root, "--model", fixture.ModelDirectory, "--out", markdown), root, "no finished run");
        ErrorLine.AssertInputError(CliFixture.Run("results", "--runs", fixture.PathFor("results-missing"), "--model", fixture.ModelDirectory, "--out", markdown),
            "results-missing", "does not exist");

        string summary = fixture.PathFor(Path.Combine("results-bad", "iid", "sit", "s1", "summary.json"));
        File.WriteAllText(summary, "[1, 2]");
        string bad = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(summary)!)!)!)!;
        ErrorLine.AssertInputError(CliFixture.Run("results", "--runs", bad, "--model", fixture.ModelDirectory, "--out", markdown), summary, "expected a JSON object, got an array");
        File.WriteAllText(summary, "{\"a_auc\": ");
        ErrorLine.AssertInputError(CliFixture.Run("results", "--runs", bad, "--model", fixture.ModelDirectory, "--out", markdown), summary, "not valid JSON");
        File.WriteAllText(summary, "{\"a_auc\": 0.5}");
        string metrics = Path.Combine(Path.GetDirectoryName(summary)!, "metrics.jsonl");
        File.WriteAllText(metrics, "{\"samples_seen\": \"x\", \"task\": 0, \"kind\": \"final\", \"accuracy\": 0.5, \"per_class\": {}}\n");
        ErrorLine.AssertInputError(CliFixture.Run("results", "--runs", bad, "--model", fixture.ModelDirectory, "--out", markdown),
            metrics, "line 1: field 'samples_seen' is a string (\"x\"), expected an integer");
        Assert.False(File.Exists(markdown));
    }

    [Fact]
    public void AJsonConversionErrorThatReachesTheErrorPathNamesNoDotNetType()
    {
        // A reader that does not name the field itself still must not show .NET type names.
        var error = new StringWriter();
        int exit = OnnxOll.Cli.Commands.CommandErrors.Report(
            new InvalidOperationException("x.json: An element of type 'String' cannot be converted to a 'System.Int32'."), verbose: false, error);
        string line = ErrorLine.AssertInputError((exit, error.ToString()), "x.json: a JSON string where an integer was expected");
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchReportThatIsNotOneNamesTheFileAndField()
    {
        string report = fixture.PathFor(Path.Combine("typed-bench", "bench.json"));
        File.WriteAllText(report, "hello");
        ErrorLine.AssertInputError(CliFixture.Run("bench", "--report", report), report, "not valid JSON");
        File.WriteAllText(report, "{\"machine\": {}, \"rows\": 3}");
        ErrorLine.AssertInputError(CliFixture.Run("bench", "--report", report), report, "field 'rows' is a number (3)");
    }

    [Fact]
    public void BatchTensorOfTheWrongDtypeNamesTheDtypesExpected()
    {
        string batch = fixture.PathFor(Path.Combine("typed-batch", "batch.safetensors"));
        var writer = new OnnxOll.Onnx.SafeTensors.SafeTensorsWriter();
        var v = fixture.Config.Vision;
        int length = fixture.Config.Text.MaxPositionEmbeddings;
        writer.Add("pixel_values", new float[2 * 3 * v.ImageSize * v.ImageSize], 2, 3, v.ImageSize, v.ImageSize);
        writer.Add("input_ids", new long[2 * length], 2, length);
        writer.Add("labels", new float[] { 0, 1 }, 2);
        writer.Write(batch);
        string line = ErrorLine.AssertInputError(CliFixture.Run("embed", "--model", fixture.ModelDirectory, "--batch", batch, "--out", fixture.PathFor("typed-embeds.safetensors")),
            batch, "'labels'", "field 'dtype' is F32, expected I64");
        Assert.DoesNotContain("Read", line, StringComparison.Ordinal);
    }

    /// <summary>Rewrites a safetensors file with one metadata value replaced (the tensors unchanged).</summary>
    private static void Rewrite(string path, string key, string value)
    {
        using (var file = OnnxOll.Onnx.SafeTensors.SafeTensorsFile.Open(path))
        {
            var writer = new OnnxOll.Onnx.SafeTensors.SafeTensorsWriter();
            foreach (var (k, v) in file.Metadata)
            {
                writer.Metadata[k] = v;
            }

            writer.Metadata[key] = value;
            foreach (var info in file.Tensors)
            {
                writer.Add(info.Name, info.DType, info.Shape, file.GetBytes(info.Name));
            }

            writer.Write(path + ".new");
        }

        File.Move(path + ".new", path, overwrite: true);
    }

    /// <summary>A copy of one export (made once per fixture) that a test may damage.</summary>
    private string Export(string name)
    {
        string original = fixture.PathFor("typed-original-export");
        if (!File.Exists(Path.Combine(original, "manifest.json")))
        {
            string pet = fixture.WritePet("typed-original.safetensors", "lora:r=2,alpha=4,towers=image,targets=q", seed: 1, scale: 0.1);
            Assert.Equal(0, CliFixture.Invoke("export", "--model", fixture.ModelDirectory, "--run", pet, "--classes", "red,green", "--out", original));
        }

        string copy = fixture.PathFor(name + "-export");
        foreach (string file in Directory.GetFiles(original, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(copy, Path.GetRelativePath(original, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        return copy;
    }

    private (int Exit, string Error) Predict(string export)
    {
        string image = fixture.PathFor("typed.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 2);
        return CliFixture.Run("predict", "--export", export, "--image", image, "--threads", "1");
    }
}
