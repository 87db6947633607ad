using OnnxOll.Cli.Commands;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Deploy.Export;
using OnnxOll.Deploy.OrtAdapters;
using OnnxOll.Deploy.Peft;
using OnnxOll.Deploy.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;
using OnnxOll.Onnx.SafeTensors;
using OnnxOll.Runtime;
using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests;

/// <summary>The deployment formats through the command line: export folders used alone, adapters in and out, preprocessing configs.</summary>
[Collection(CliCollection.Name)]
public sealed class DeployCommandTests(CliFixture fixture)
{
    private const string Data = "synthetic:colours=3,shapes=1,textures=1,train=12,test=3,seed=4";
    private const string Spec = "lora:r=2,alpha=4,towers=both,targets=q+v";

    [Fact]
    public void AnExportCopiedElsewhereClassifiesAndEvaluatesExactlyAsTheModelWithTheRun()
    {
        string model = fixture.CopyModel("deploy-source");
        string run = fixture.PathFor("deploy-run");
        Assert.Equal(0, Learn(model, run, "--pet", Spec));
        string export = fixture.PathFor("deploy-export");
        Assert.Equal(0, CliFixture.Invoke("export", "--model", model, "--run", run, "--out", export));
        string image = fixture.PathFor("deploy-image.bmp");
        Bitmap.WriteRandom(image, 45, 37, seed: 3);

        var source = PetSource.Resolve(run, null, null, model);
        Assert.Equal(3, source.Classes!.Count);
        var expected = PredictCommand.Predict(model, source, image, source.Classes, null, SessionSettings.Default).Labels;
        var expectedEval = EvalCommand.Evaluate(model, run, Data, 0, SessionSettings.Default);
        Assert.Equal(0, CliFixture.Invoke("predict", "--model", model, "--run", run, "--image", image));

        // The copy lives elsewhere and the model folder is gone: only the export's own files are used.
        string moved = Path.Combine(fixture.Root, "elsewhere", "deploy-export");
        Directory.CreateDirectory(Path.GetDirectoryName(moved)!);
        Directory.Move(export, moved);
        Directory.Delete(model, recursive: true);

        var actual = PredictCommand.PredictExport(moved, image, null, null, SessionSettings.Default).Labels;
        Assert.Equal(expected.Select(p => p.Label), actual.Select(p => p.Label));
        Assert.Equal(expected.Select(p => p.Probability), actual.Select(p => p.Probability));
        Assert.Equal(0, CliFixture.Invoke("predict", "--export", moved, "--image", image));

        using var exported = ExportedModel.Open(moved);
        var actualEval = EvalCommand.Evaluate(exported, exported.Pet, exported.Prompts, Data, 0, moved, moved);
        Assert.Equal(expectedEval.Accuracy, actualEval.Accuracy);
        Assert.Equal(expectedEval.PerClass, actualEval.PerClass);
        Assert.Equal(0, CliFixture.Invoke("eval", "--export", moved, "--data", Data));
    }

    [Fact]
    public void PredictWithoutLabelsNeedsARunOrAdapterThatKnowsItsClasses()
    {
        string image = fixture.PathFor("deploy-nolabels.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 2);
        var (exit, error) = CliFixture.Run("predict", "--model", fixture.ModelDirectory, "--image", image);
        Assert.Equal(CommandErrors.InputError, exit);
        Assert.Contains("--labels", error);
    }

    [Fact]
    public void AdapterCommandWritesTheRunsTensorsAndLearnStartsFromAnAdapter()
    {
        string run = fixture.PathFor("adapter-run");
        Assert.Equal(0, Learn(fixture.ModelDirectory, run, "--pet", Spec));
        var source = PetSource.Resolve(run, null, null, fixture.ModelDirectory);
        var layout = new PetLayout(source.Spec, fixture.Config);
        var learned = source.Load(layout);

        string peft = fixture.PathFor("adapter-peft");
        string ort = fixture.PathFor("adapter.onnx_adapter");
        Assert.Equal(0, CliFixture.Invoke("adapter", "--model", fixture.ModelDirectory, "--run", run, "--out", peft));
        Assert.Equal(0, CliFixture.Invoke("adapter", "--model", fixture.ModelDirectory, "--run", run, "--out", ort, "--format", "onnx"));
        foreach (string graph in new[] { "vision", "text" })
        {
            string graphAdapter = fixture.PathFor($"adapter-{graph}.onnx_adapter");
            Assert.Equal(0, CliFixture.Invoke("adapter", "--model", fixture.ModelDirectory, "--run", run, "--out", graphAdapter, "--format", "onnx", "--graph", graph));
            var names = OrtAdapterFile.Read(graphAdapter).Tensors.Keys.Order(StringComparer.Ordinal);
            Assert.Equal(layout.Tensors.Select(t => t.Name).Where(n => n.StartsWith(graph == "vision" ? "vision_model." : "text_model.", StringComparison.Ordinal)).Order(StringComparer.Ordinal), names);
        }

        var fromPeft = PeftAdapterFolder.Read(peft);
        Assert.Equal(source.Spec.ToString(), fromPeft.Spec.ToString());
        Assert.Equal(source.Classes, fromPeft.Classes);
        var fromOrt = PetSource.Open(ort, Spec, fixture.ModelDirectory).Load(layout);
        foreach (var t in layout.Tensors)
        {
            Assert.Equal(learned[t.Name], fromPeft.Tensors.Fill(layout)[t.Name]);
            Assert.Equal(learned[t.Name], fromOrt[t.Name]);
        }

        // A PEFT folder serves wherever a run does: export --run, predict --run.
        string peftExport = fixture.PathFor("adapter-peft-export");
        Assert.Equal(0, CliFixture.Invoke("export", "--model", fixture.ModelDirectory, "--run", peft, "--out", peftExport));
        var peftExportPet = PetParameters.Load(Path.Combine(peftExport, ModelExporter.PetFileName), layout);
        Assert.All(layout.Tensors, t => Assert.Equal(learned[t.Name], peftExportPet[t.Name]));
        string image = fixture.PathFor("adapter-image.bmp");
        Bitmap.WriteRandom(image, 20, 20, seed: 4);
        Assert.Equal(0, CliFixture.Invoke("predict", "--model", fixture.ModelDirectory, "--run", peft, "--image", image));

        // export --merge takes the spec and the learned tensors from the run alone (no --pet).
        string merged = fixture.PathFor("adapter-merged-export");
        Assert.Equal(0, CliFixture.Invoke("export", "--model", fixture.ModelDirectory, "--merge", run, "--out", merged));
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(merged, ModelExporter.ManifestFileName)))!;
        Assert.Equal(source.Spec.ToString(), manifest["pet_spec"]!.GetValue<string>());
        Assert.True(manifest["pet"]!["learned"]!.GetValue<bool>());
        var exportedPet = PetParameters.Load(Path.Combine(merged, ModelExporter.PetFileName), layout);
        Assert.All(layout.Tensors, t => Assert.Equal(learned[t.Name], exportedPet[t.Name]));
        Assert.True(File.Exists(Path.Combine(merged, ModelExporter.MergedFolder, "vision.onnx")));

        // A run started from the adapter (a tiny step size keeps the tensors put) holds the adapter's spec and values; --pet's default is not used.
        var initial = fixture.RandomPet("lora:r=2,alpha=2,towers=image,targets=o", seed: 31, scale: 0.2);
        string adapter = fixture.PathFor("adapter-init");
        PeftAdapterFolder.Write(initial, adapter, fixture.ModelDirectory, ["a {} shape."]);
        string started = fixture.PathFor("adapter-started");
        Assert.Equal(0, Learn(fixture.ModelDirectory, started, "--init-adapter", adapter, "--lr", "1e-30"));
        var resumed = PetSource.Resolve(started, null, null, fixture.ModelDirectory);
        Assert.Equal(initial.Layout.Spec.ToString(), resumed.Spec.ToString());
        Assert.Equal(["a {} shape."], resumed.Prompts);
        var values = resumed.Load(initial.Layout);
        Assert.All(initial.Layout.Tensors, t => Assert.Equal(initial[t.Name], values[t.Name]));

        var (exit, error) = CliFixture.Run("learn", "--model", fixture.ModelDirectory, "--data", Data, "--out", fixture.PathFor("adapter-clash"),
            "--init-adapter", adapter, "--pet", Spec);
        Assert.Equal(CommandErrors.InputError, exit);
        Assert.Contains(adapter, error);
    }

    [Fact]
    public void APreprocessorConfigIsHonouredByPredictLearnAndEval()
    {
        string model = fixture.CopyModel("preprocessed");
        File.WriteAllText(Path.Combine(model, PreprocessorConfig.FileName), """
            {"crop_size": {"height": 32, "width": 32}, "do_center_crop": true, "do_normalize": true, "do_resize": true,
             "image_mean": [0.5, 0.4, 0.3], "image_std": [0.2, 0.25, 0.3], "resample": 3, "rescale_factor": 0.00392156862745098,
             "size": {"shortest_edge": 40}}
            """);
        var options = new ClipImagePreprocessorOptions { ImageSize = 32, ResizeShortestEdge = 40, Mean = [0.5f, 0.4f, 0.3f], Std = [0.2f, 0.25f, 0.3f] };
        string[] labels = ["red", "green", "blue"];
        string image = fixture.PathFor("preprocessed.bmp");
        Bitmap.WriteRandom(image, 50, 36, seed: 9);

        // predict: probabilities from pixels preprocessed with the config's mean, std and sizes (an independent path through embed).
        var result = PredictCommand.Predict(model, PetSource.None, image, labels, null, SessionSettings.Default).Labels;
        var reference = Reference(model, image, labels, options);
        Assert.All(result, p => Assert.Equal(reference[p.Label], p.Probability, 1e-6));
        var plain = PredictCommand.Predict(fixture.ModelDirectory, PetSource.None, image, labels, null, SessionSettings.Default).Labels;
        Assert.True(plain.Max(p => Math.Abs(p.Probability - reference[p.Label])) > 1e-6, "the default preprocessing should give other probabilities");

        // export carries the preprocessing: the export alone predicts as the model folder does.
        string export = fixture.PathFor("preprocessed-export");
        var manifest = ModelExporter.Export(model, export, new ExportOptions { Spec = PetSpec.None });
        Assert.Equal([0.5f, 0.4f, 0.3f], manifest["preprocessing"]!["image_mean"]!.AsArray().Select(m => m!.GetValue<float>()));
        Assert.Equal([0.2f, 0.25f, 0.3f], manifest["preprocessing"]!["image_std"]!.AsArray().Select(m => m!.GetValue<float>()));
        Assert.Equal(40, manifest["preprocessing"]!["size"]!["shortest_edge"]!.GetValue<int>());
        Assert.Equal(32, manifest["preprocessing"]!["crop_size"]!["height"]!.GetValue<int>());
        var exported = PredictCommand.PredictExport(export, image, labels, null, SessionSettings.Default).Labels;
        Assert.Equal(result.Select(p => (p.Label, p.Probability)), exported.Select(p => (p.Label, p.Probability)));

        // learn: every image the learner trained on was preprocessed with the config's sizes, mean and std (not the defaults).
        var (pp, seen) = LearnInProcess(model, "preprocessed-run");
        using (var splits = DataSources.Open(Data))
        {
            var configured = new SamplePreparer(options);
            var defaults = new SamplePreparer(new ClipImagePreprocessorOptions { ImageSize = 32 });
            Assert.Equal(splits.Train.Labels.Count, seen.Count);
            Assert.All(seen, s => Assert.Equal(configured.Prepare(splits.Train.Read(s.Index)), s.Pixels));
            Assert.All(seen, s => Assert.NotEqual(defaults.Prepare(splits.Train.Read(s.Index)), s.Pixels));
        }

        // eval: the run evaluated on the model folder equals the same tensors evaluated with the config's options given explicitly to the
        // plain model, and differs from the default preprocessing; a larger test split so that per-class accuracies tell them apart.
        const string evalData = "synthetic:colours=3,shapes=2,textures=1,train=6,test=20,seed=11";
        var evaluated = EvalCommand.Evaluate(model, fixture.PathFor("preprocessed-run"), evalData, 0, SessionSettings.Default);
        using var plainModel = ClipModelRuntime.Open(fixture.ModelDirectory, pp.Layout.Spec);
        string reports = fixture.PathFor("preprocessed-reports");
        Directory.CreateDirectory(reports);
        var explicitOptions = EvalCommand.Evaluate(new WithPreprocessing(plainModel, options), pp, [PromptTemplates.DefaultTemplate], evalData, 0, "explicit", reports);
        var defaultOptions = EvalCommand.Evaluate(plainModel, pp, [PromptTemplates.DefaultTemplate], evalData, 0, "default", reports);
        Assert.Equal(explicitOptions.PerClass, evaluated.PerClass);
        Assert.NotEqual(defaultOptions.PerClass, evaluated.PerClass);
    }

    private (PetParameters Pet, List<(int Index, float[] Pixels)> Seen) LearnInProcess(string model, string name)
    {
        string run = fixture.PathFor(name);
        using var runtime = ClipModelRuntime.Open(model, PetSpec.Parse("lora:r=4,alpha=8,towers=image,targets=q+v"));
        using var splits = DataSources.Open(Data);
        using var learner = new OnlineLearner(runtime, ScenarioSpec.Parse("iid"), new LearnerOptions { BatchSize = 6, Iterations = 2, LearningRate = 1e-2f, EvalEvery = 0 }, run);
        var capture = new PixelCapture();
        learner.Plugins.Add(capture);
        learner.Run(splits);
        var copy = PetParameters.Create(learner.Pet.Layout, 0);
        foreach (var t in copy.Layout.Tensors)
        {
            learner.Pet[t.Name].AsSpan().CopyTo(copy[t.Name]);
        }

        return (copy, capture.Seen);
    }

    /// <summary>Runs <c>learn</c> on <see cref="Data"/>; <paramref name="extra"/> option pairs replace the defaults or add to them.</summary>
    private static int Learn(string model, string run, params string[] extra)
    {
        var args = new List<string>
        {
            "learn", "--model", model, "--data", Data, "--out", run, "--scenario", "iid", "--batch", "6", "--iters", "1", "--lr", "0.01", "--eval-every", "0", "--threads", "1",
        };
        for (int i = 0; i < extra.Length; i += 2)
        {
            int at = args.IndexOf(extra[i]);
            if (at >= 0)
            {
                args[at + 1] = extra[i + 1];
            }
            else
            {
                args.AddRange([extra[i], extra[i + 1]]);
            }
        }

        return CliFixture.Invoke([.. args]);
    }

    /// <summary>Preprocesses with <paramref name="options"/>, embeds through <c>embed</c>, softmax in plain C#.</summary>
    private Dictionary<string, double> Reference(string model, string image, string[] labels, ClipImagePreprocessorOptions options)
    {
        var preprocessor = new ClipImagePreprocessor(options);
        var pixels = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(ImageDecoder.Decode(image), pixels, 0);
        int length = fixture.Config.Text.MaxPositionEmbeddings;
        var tokenizer = ClipTokenizer.Create(Path.Combine(model, "vocab.json"), Path.Combine(model, "merges.txt"), new ClipTokenizerOptions { ContextLength = length });
        var ids = new long[labels.Length * length];
        tokenizer.EncodeBatch(labels.Select(l => PromptTemplates.DefaultTemplate.Replace("{}", l, StringComparison.Ordinal)).ToArray(), length, ids);
        var writer = new SafeTensorsWriter();
        writer.Add("pixel_values", pixels, 1, 3, options.ImageSize, options.ImageSize);
        writer.Add("input_ids", ids, labels.Length, length);
        string batch = fixture.PathFor("preprocessed-batch.safetensors");
        writer.Write(batch);
        string embeds = fixture.PathFor("preprocessed-embeds.safetensors");
        EmbedCommand.Embed(model, batch, embeds, null, null, SessionSettings.Default);

        int p = fixture.Config.ProjectionDim;
        var img = OnnxOll.Cli.Tests.Reference.NormalizedRows(OnnxOll.Cli.Tests.Reference.Read(embeds, "image_embeds"), p)[0];
        var txt = OnnxOll.Cli.Tests.Reference.NormalizedRows(OnnxOll.Cli.Tests.Reference.Read(embeds, "text_embeds"), p);
        var logits = txt.Select(t => Math.Exp(fixture.LogitScale) * OnnxOll.Cli.Tests.Reference.Dot(img, t)).ToArray();
        double sum = logits.Sum(l => Math.Exp(l - logits.Max()));
        return labels.Select((l, c) => (l, Math.Exp(logits[c] - logits.Max()) / sum)).ToDictionary(x => x.l, x => x.Item2);
    }

    /// <summary>Records every prepared image (stream index, pixels) the learner trains on.</summary>
    private sealed class PixelCapture : LearnerPlugin
    {
        public List<(int Index, float[] Pixels)> Seen { get; } = [];

        public override void BeforeBatch(LearnerContext context)
        {
            foreach (var sample in context.Batch!.Samples)
            {
                Seen.Add((sample.Entry.SampleIndex, sample.Item.ToArray()));
            }
        }
    }

    /// <summary>A model whose preprocessing is <paramref name="options"/> instead of its own.</summary>
    private sealed class WithPreprocessing(IClipInference inner, ClipImagePreprocessorOptions options) : IClipInference
    {
        public string ModelHash => inner.ModelHash;

        public ClipConfig Config => inner.Config;

        public PetLayout Layout => inner.Layout;

        public OnnxSession Vision => inner.Vision;

        public OnnxSession Text => inner.Text;

        public ClipTokenizer Tokenizer => inner.Tokenizer;

        public ClipImagePreprocessorOptions Preprocessing => options;

        public double LogitScale => inner.LogitScale;
    }
}
