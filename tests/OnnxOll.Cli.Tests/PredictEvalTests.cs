using OnnxOll.Cli.Commands;
using OnnxOll.Deploy.Pet;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Metrics;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.Runtime;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class PredictEvalTests(CliFixture fixture)
{
    private const string Spec = "lora:r=4,alpha=8,towers=both,targets=q+v";
    private static readonly string[] Labels = ["red", "green", "blue", "yellow"];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PredictEqualsSoftmaxOverEmbedOutputs(bool withRun)
    {
        string tag = withRun ? "run" : "zeroshot";
        string image = fixture.PathFor($"predict-{tag}.bmp");
        Bitmap.WriteRandom(image, 40, 30, seed: 11);
        var pet = withRun ? fixture.RandomPet(Spec, seed: 12, scale: 0.3) : PetParameters.Create(new PetLayout(PetSpec.None, fixture.Config), 0);
        string prompt = "a photo of a {}.";
        var source = PetSource.None;
        string? petFile = null;
        if (withRun)
        {
            string run = fixture.PathFor("predict-run/x");
            RunFolders.Write(Path.GetDirectoryName(run)!, fixture.ModelDirectory, pet, [prompt]);
            source = PetSource.FromRun(Path.GetDirectoryName(run)!, fixture.ModelDirectory);
            petFile = fixture.PathFor("predict-run.safetensors");
            pet.Save(petFile);
        }

        var result = PredictCommand.Predict(fixture.ModelDirectory, source, image, Labels, withRun ? null : [prompt], SessionSettings.Default).Labels;

        var expected = ReferenceProbabilities(image, prompt, petFile, tag);
        Assert.Equal(Labels.Length, result.Count);
        Assert.Equal(1.0, result.Sum(p => p.Probability), 1e-9);
        Assert.Equal(result.OrderByDescending(p => p.Probability).Select(p => p.Label), result.Select(p => p.Label));
        foreach (var p in result)
        {
            Assert.Equal(expected[p.Label], p.Probability, 1e-5);
        }
    }

    [Fact]
    public void PredictNamesAMissingOrUndecodableImage()
    {
        string missing = fixture.PathFor("no-such-image.png");
        var e = Assert.Throws<FileNotFoundException>(() => PredictCommand.Predict(fixture.ModelDirectory, PetSource.None, missing, Labels, null, SessionSettings.Default));
        Assert.Contains(missing, e.Message);

        string garbage = fixture.PathFor("garbage.png");
        File.WriteAllBytes(garbage, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var bad = Assert.Throws<InvalidDataException>(() => PredictCommand.Predict(fixture.ModelDirectory, PetSource.None, garbage, Labels, null, SessionSettings.Default));
        Assert.Contains(garbage, bad.Message);

        Assert.Equal(CommandErrors.InputError, CliFixture.Invoke("predict", "--model", fixture.ModelDirectory, "--image", missing, "--labels", "a,b"));
        string image = fixture.PathFor("predict-cli.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 1);
        Assert.Equal(0, CliFixture.Invoke("predict", "--model", fixture.ModelDirectory, "--image", image, "--labels", "red, green,blue", "--top", "2"));
    }

    [Fact]
    public void EvalReproducesTheLearnersFinalEvaluationAndWritesEvalJson()
    {
        const string data = "synthetic:colours=4,shapes=1,textures=1,train=16,test=6,seed=5";
        string run = fixture.PathFor("eval-run/x");
        run = Path.GetDirectoryName(run)!;
        LearnerResult learned;
        using (var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse("lora:r=4,alpha=8,towers=image,targets=q+v")))
        using (var splits = DataSources.Open(data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), new LearnerOptions { BatchSize = 16, Iterations = 2, LearningRate = 1e-2f, EvalEvery = 0 }, run))
        {
            learned = learner.Run(splits);
        }

        var result = EvalCommand.Evaluate(fixture.ModelDirectory, run, data, 0, SessionSettings.Default);

        var final = learned.Records.Single(r => r.Kind == EvaluationKind.Final);
        Assert.Equal(final.Accuracy, result.Accuracy, 1e-12);
        Assert.Equal(4, result.PerClass.Count);
        foreach (var (name, accuracy) in final.PerClassAccuracy)
        {
            Assert.Equal(accuracy, result.PerClass[name], 1e-12);
        }

        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(run, EvalCommand.ReportFileName)))!;
        Assert.Equal(result.Accuracy, json["accuracy"]!.GetValue<double>());
        Assert.Equal(24, json["images"]!.GetValue<int>());
        Assert.Equal(0, CliFixture.Invoke("eval", "--model", fixture.ModelDirectory, "--run", run, "--data", data, "--per-class", "3"));
        Assert.Equal(12, System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(run, EvalCommand.ReportFileName)))!["images"]!.GetValue<int>());
    }

    [Fact]
    public void EvalNamesARunWithoutCheckpoints()
    {
        string run = Path.GetDirectoryName(fixture.PathFor("empty-run/x"))!;
        var e = Assert.Throws<InvalidDataException>(() => EvalCommand.Evaluate(fixture.ModelDirectory, run, "synthetic", 1, SessionSettings.Default));
        Assert.Contains(run, e.Message);
    }

    /// <summary>Preprocesses the image and tokenises the prompts into a batch file, embeds it with <c>embed</c>, then softmax in plain C#.</summary>
    private Dictionary<string, double> ReferenceProbabilities(string image, string prompt, string? petFile, string tag)
    {
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = fixture.Config.Vision.ImageSize });
        var pixels = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(ImageDecoder.Decode(image), pixels, 0);
        int length = fixture.Config.Text.MaxPositionEmbeddings;
        var tokenizer = ClipTokenizer.Create(Path.Combine(fixture.ModelDirectory, "vocab.json"), Path.Combine(fixture.ModelDirectory, "merges.txt"), new ClipTokenizerOptions { ContextLength = length });
        var ids = new long[Labels.Length * length];
        tokenizer.EncodeBatch(Labels.Select(l => prompt.Replace("{}", l, StringComparison.Ordinal)).ToArray(), length, ids);
        var writer = new SafeTensorsWriter();
        var v = fixture.Config.Vision;
        writer.Add("pixel_values", pixels, 1, v.NumChannels, v.ImageSize, v.ImageSize);
        writer.Add("input_ids", ids, Labels.Length, length);
        string batch = fixture.PathFor($"predict-batch-{tag}.safetensors");
        writer.Write(batch);
        string embeds = fixture.PathFor($"predict-embeds-{tag}.safetensors");
        EmbedCommand.Embed(fixture.ModelDirectory, batch, embeds, petFile, null, SessionSettings.Default);

        int p = fixture.Config.ProjectionDim;
        var img = Reference.NormalizedRows(Reference.Read(embeds, "image_embeds"), p)[0];
        var txt = Reference.NormalizedRows(Reference.Read(embeds, "text_embeds"), p);
        var logits = txt.Select(t => Math.Exp(fixture.LogitScale) * Reference.Dot(img, t)).ToArray();
        double sum = logits.Sum(l => Math.Exp(l - logits.Max()));
        return Labels.Select((l, c) => (l, Math.Exp(logits[c] - logits.Max()) / sum)).ToDictionary(x => x.l, x => x.Item2);
    }
}
