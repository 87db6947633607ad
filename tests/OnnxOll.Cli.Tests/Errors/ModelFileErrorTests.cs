using System.Text.Json.Nodes;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests.Errors;

/// <summary>A damaged model folder is refused by every command that opens it with one line naming the file and the field.</summary>
[Collection(CliCollection.Name)]
public sealed class ModelFileErrorTests(CliFixture fixture)
{
    [Fact]
    public void EmptyWeightsFileIsNamed()
    {
        string model = fixture.CopyModel("empty-weights");
        string weights = Path.Combine(model, "model.safetensors");
        File.WriteAllBytes(weights, []);
        ErrorLine.AssertInputError(Predict(model), weights, "0 bytes");
    }

    [Fact]
    public void ConfigWithoutProjectionDimNamesTheField()
    {
        string model = fixture.CopyModel("no-projection-dim");
        string config = Path.Combine(model, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json.Remove("projection_dim");
        File.WriteAllText(config, json.ToJsonString());
        ErrorLine.AssertInputError(Predict(model), "projection_dim is 512", "default when the field is absent");
    }

    [Fact]
    public void TokenizerLargerThanTheModelVocabularyIsRefused()
    {
        string model = fixture.CopyModel("vocab-too-large");
        string vocab = Path.Combine(model, "vocab.json");
        var json = JsonNode.Parse(File.ReadAllText(vocab))!.AsObject();
        json["zzzz</w>"] = json.Count;
        File.WriteAllText(vocab, json.ToJsonString());
        ErrorLine.AssertInputError(Predict(model), vocab, "vocab_size");
    }

    [Fact]
    public void HugeMergesLineIsQuotedShort()
    {
        string model = fixture.CopyModel("huge-merge");
        string merges = Path.Combine(model, "merges.txt");
        var lines = File.ReadAllLines(merges);
        lines[3] = new string('x', 12_000);
        File.WriteAllLines(merges, lines);
        string line = ErrorLine.AssertInputError(Predict(model), merges, "12000 characters");
        Assert.True(line.Length < 300, $"error line of {line.Length} characters");
    }

    private (int Exit, string Error) Predict(string model)
    {
        string image = fixture.PathFor("model-errors.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 2);
        return CliFixture.Run("predict", "--model", model, "--image", image, "--labels", "a,b", "--threads", "1");
    }
}
