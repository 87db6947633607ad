using System.CommandLine;
using System.Globalization;
using System.Numerics.Tensors;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Text;
using OnnxOll.Learning.Learner;
using OnnxOll.Runtime;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll predict</c>: the most likely labels of one image, zero-shot or with a run's (or a file's) PET tensors.</summary>
public static class PredictCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var run = new Option<string?>("--run") { Description = "Run folder: use the PET tensors and prompts of its latest good checkpoint." };
        var pet = new Option<string?>("--pet") { Description = "PET tensors (safetensors) instead of a run." };
        var petSpec = new Option<string?>("--pet-spec") { Description = "PET spec of --pet (default: the file's pet_spec metadata)." };
        var image = new Option<string>("--image") { Description = "Image file (PNG, JPEG, BMP or GIF).", Required = true };
        var labels = new Option<string>("--labels") { Description = "Candidate labels, comma-separated: \"cat,dog,bird\".", Required = true };
        var top = new Option<int>("--top") { Description = "How many labels to show.", DefaultValueFactory = _ => 5 };
        var prompts = new Option<string[]>("--prompt") { Description = "Prompt template with {} for the label; repeat to average (default: the run's, else \"a bad photo of a {}.\")." };
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var frozen = CommonOptions.Frozen();
        var command = new Command("predict", "Show the top labels of an image with their probabilities.") { model, run, pet, petSpec, image, labels, top, prompts, threads, provider, frozen };
        command.SetAction(parse =>
        {
            string modelDir = parse.GetValue(model)!;
            var source = PetSource.Resolve(parse.GetValue(run), parse.GetValue(pet), parse.GetValue(petSpec), modelDir);
            var given = parse.GetValue(prompts);
            var result = Predict(modelDir, source, parse.GetValue(image)!, SplitLabels(parse.GetValue(labels)!), given is { Length: > 0 } ? given : null,
                CommonOptions.Settings(parse, threads, provider), parse.GetValue(frozen));
            var table = new Table().AddColumn("#").AddColumn("label").AddColumn(new TableColumn("probability").RightAligned());
            foreach (var (p, i) in result.Take(Math.Max(1, parse.GetValue(top))).Select((p, i) => (p, i)))
            {
                table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(p.Label), p.Probability.ToString("P2", CultureInfo.InvariantCulture));
            }

            AnsiConsole.MarkupLineInterpolated($"[grey]{parse.GetValue(image)} ({source.Description})[/]");
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    /// <summary>Splits <c>"a, b,c"</c> into distinct trimmed labels.</summary>
    /// <exception cref="ArgumentException">No label given.</exception>
    public static IReadOnlyList<string> SplitLabels(string text)
    {
        var labels = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray();
        return labels.Length > 0 ? labels : throw new ArgumentException($"--labels '{text}': expected at least one comma-separated label.");
    }

    /// <summary>Every label with its probability, most likely first.</summary>
    /// <exception cref="FileNotFoundException">The image does not exist.</exception>
    /// <exception cref="InvalidDataException">The image cannot be decoded.</exception>
    public static IReadOnlyList<LabelProbability> Predict(string modelDir, PetSource source, string imagePath, IReadOnlyList<string> labels,
        IReadOnlyList<string>? prompts, SessionSettings settings,
        FrozenPrecision frozen = FrozenPrecision.Float32)
    {
        if (!File.Exists(imagePath))
        {
            throw new FileNotFoundException($"{imagePath}: image file does not exist.", imagePath);
        }

        var decoded = ImageDecoder.Decode(imagePath);
        using var model = ClipModelRuntime.Open(modelDir, source.Spec, settings, frozen);
        var pet = source.Load(model.Layout);
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = model.Config.Vision.ImageSize });
        var pixels = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(decoded, pixels, 0);
        using var embedder = new ProjectedEmbedder(FrozenModel.Open(modelDir, source.Spec, frozen), settings, normalize: true);
        var image = embedder.Images(pixels, 1, pet);

        var vocabulary = new ClassVocabulary();
        foreach (var label in labels)
        {
            vocabulary.GetOrAdd(label);
        }

        using var text = new TextFeatures(model, new PromptTemplates(prompts ?? source.Prompts ?? [PromptTemplates.DefaultTemplate]));
        text.Extend(vocabulary, pet);
        double scale = Math.Exp(model.Frozen.LogitScale);
        var logits = Enumerable.Range(0, vocabulary.Count).Select(c => scale * TensorPrimitives.Dot(image, text.Row(c))).ToArray();
        double max = logits.Max();
        var weights = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = weights.Sum();
        return vocabulary.Names.Select((name, c) => new LabelProbability(name, weights[c] / sum)).OrderByDescending(p => p.Probability).ToArray();
    }
}
