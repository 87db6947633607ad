using System.CommandLine;
using System.Globalization;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Text;
using OnnxOll.Deploy.Export;
using OnnxOll.Deploy.Pet;
using OnnxOll.Inference;
using OnnxOll.Clip.Pet;
using OnnxOll.Runtime;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll predict</c>: the most likely labels of one image, zero-shot, with PET tensors (run, checkpoint, adapter) or from an export folder.</summary>
public static class PredictCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.ModelPath(new Option<string?>("--model") { Description = "CLIP folder (config.json, model.safetensors, vocab.json, merges.txt); not needed with --export." });
        var export = new Option<string?>("--export") { Description = "Export folder (from onnxoll export): classify with it alone." };
        var run = new Option<string?>("--run") { Description = "Run folder or checkpoint: use the PET tensors, prompts and classes of its latest good checkpoint." };
        var pet = new Option<string?>("--pet") { Description = "PET tensors instead of a run: safetensors (or checkpoint), PEFT adapter folder or .onnx_adapter." };
        var petSpec = new Option<string?>("--pet-spec") { Description = "PET spec of --pet (default: the file's own)." };
        var image = new Option<string>("--image") { Description = "Image file (PNG, JPEG, BMP or GIF).", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Candidate labels, comma-separated: \"cat,dog,bird\" (default: the classes of the run, adapter or export)." };
        var top = CommonOptions.AtLeast(new Option<int>("--top") { Description = "How many labels to show.", DefaultValueFactory = _ => 5 }, 1);
        var prompts = CommonOptions.Templates(new Option<string[]>("--prompt") { Description = "Prompt template with {} for the label; repeat to average (default: the run's, else \"a bad photo of a {}.\")." });
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var frozen = CommonOptions.Frozen();
        var allowOtherModel = CommonOptions.AllowOtherModel();
        var json = JsonOutput.Option();
        var command = new Command("predict", "Show the top labels of an image with their probabilities.")
        {
            model, export, run, pet, petSpec, image, labels, top, prompts, threads, provider, frozen, allowOtherModel, json,
        };
        command.SetAction(parse =>
        {
            var given = parse.GetValue(prompts);
            var settings = CommonOptions.Settings(parse, threads, provider);
            string? labelText = parse.GetValue(labels);
            var candidates = labelText is null ? null : SplitLabels(labelText);
            string? exportDir = parse.GetValue(export);
            RoutedPrediction result;
            string description;
            if (exportDir is not null)
            {
                if (parse.GetValue(model) is not null || parse.GetValue(run) is not null || parse.GetValue(pet) is not null)
                {
                    throw new ArgumentException("--export classifies with the export alone; leave out --model, --run and --pet.");
                }

                result = PredictExport(exportDir, parse.GetValue(image)!, candidates, given is { Length: > 0 } ? given : null, settings);
                description = exportDir;
            }
            else
            {
                string modelDir = parse.GetValue(model) ?? throw new ArgumentException("Give --model (a CLIP folder) or --export (an export folder).");
                var source = PetSource.Resolve(parse.GetValue(run), parse.GetValue(pet), parse.GetValue(petSpec), modelDir, parse.GetValue(allowOtherModel));
                if (source.Warning is { } warning)
                {
                    CommandErrors.Warn(warning);
                }

                candidates ??= source.Classes ?? throw new ArgumentException($"--labels is needed: {source.Description} records no classes.");
                var router = RunRouter.Of(parse.GetValue(run), source);
                result = Predict(modelDir, source, parse.GetValue(image)!, candidates, given is { Length: > 0 } ? given : null, settings, parse.GetValue(frozen), router);
                description = source.Description;
            }

            if (parse.GetValue(json))
            {
                var shown = new System.Text.Json.Nodes.JsonArray([.. result.Take(Math.Max(1, parse.GetValue(top))).Select(p => new System.Text.Json.Nodes.JsonObject { ["label"] = p.Label, ["probability"] = p.Probability })]);
                JsonOutput.Write(new System.Text.Json.Nodes.JsonObject { ["image"] = parse.GetValue(image), ["source"] = description, ["labels"] = shown });
                return 0;
            }

            var table = new Table().AddColumn("#").AddColumn("label").AddColumn(new TableColumn("probability").RightAligned());
            foreach (var (p, i) in result.Labels.Take(Math.Max(1, parse.GetValue(top))).Select((p, i) => (p, i)))
            {
                table.AddRow((i + 1).ToString(CultureInfo.InvariantCulture), Markup.Escape(p.Label), p.Probability.ToString("P2", CultureInfo.InvariantCulture));
            }

            AnsiConsole.MarkupLineInterpolated($"[grey]{parse.GetValue(image)} ({description})[/]");
            AnsiConsole.Write(table);
            if (result.Route is { } route)
            {
                Console.WriteLine(RouteLine(route));
            }

            return 0;
        });
        return command;
    }

    /// <summary>The line predict prints for a routed image: which model served it and why.</summary>
    public static string RouteLine(InputRoute route) => route == InputRoute.Frozen
        ? "route: frozen (zero-shot CLIP; no DDAS autoencoder recognised the image)"
        : "route: learned (PET; a DDAS autoencoder recognised the image)";

    /// <summary>Splits <c>"a, b,c"</c> into distinct trimmed labels.</summary>
    /// <exception cref="ArgumentException">No label given, or one the service would refuse too (<see cref="ClassLabel.Check"/>).</exception>
    public static IReadOnlyList<string> SplitLabels(string text, string option = "--labels")
    {
        var labels = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(l => ClassLabel.Check(l, option)).Distinct(StringComparer.Ordinal).ToArray();
        return labels.Length > 0 ? labels : throw new ArgumentException($"{option} '{text}': expected at least one comma-separated label.");
    }

    /// <summary>Every label with its probability, most likely first; with a DDAS <paramref name="router"/> (a run learned with it), an image
    /// it sends to the frozen model gets the zero-shot probabilities, and the result names the model that served it.</summary>
    /// <exception cref="FileNotFoundException">The image does not exist.</exception>
    /// <exception cref="InvalidDataException">The image cannot be decoded.</exception>
    public static RoutedPrediction Predict(string modelDir, PetSource source, string imagePath, IReadOnlyList<string> labels,
        IReadOnlyList<string>? prompts, SessionSettings settings, FrozenPrecision frozen = FrozenPrecision.Float32, AutoencoderRouter? router = null)
    {
        var decoded = Decode(imagePath);
        using var model = ClipModelRuntime.Open(modelDir, source.Spec, settings, frozen);
        var pet = source.Load(model.Layout);
        using var classifier = new ClipClassifier(model) { Router = router };
        var templates = prompts ?? source.Prompts ?? [PromptTemplates.DefaultTemplate];
        return classifier.Classify(classifier.Preprocess(decoded), pet,
            toFrozen => ClipClassifier.ClassFeatures(model, toFrozen ? PetParameters.Zero(model.Layout) : pet, labels, templates));
    }

    /// <summary>Every label with its probability from an export folder alone; without labels, its class vocabulary (stored text features).
    /// An export of a DDAS run routes as <see cref="Predict"/> does, with its router.onnx.</summary>
    /// <exception cref="ArgumentException">No labels given and the export holds no classes.</exception>
    public static RoutedPrediction PredictExport(string exportDir, string imagePath, IReadOnlyList<string>? labels, IReadOnlyList<string>? prompts, SessionSettings settings)
    {
        var decoded = Decode(imagePath);
        using var model = ExportedModel.Open(exportDir, settings);
        using var classifier = new ClipClassifier(model) { Router = model.Router };
        var candidates = labels ?? model.Classes?.Names ?? throw new ArgumentException($"--labels is needed: {exportDir} holds no class vocabulary.");
        return classifier.Classify(classifier.Preprocess(decoded), model.Pet, toFrozen => toFrozen
            ? ClipClassifier.ClassFeatures(model, PetParameters.Zero(model.Layout), candidates, prompts ?? model.Prompts)
            : ClipClassifier.ClassFeatures(model, model.Pet, candidates, prompts ?? model.Prompts, prompts is null ? model.Classes : null));
    }

    private static RgbImage Decode(string imagePath) =>
        File.Exists(imagePath) ? ImageDecoder.Decode(imagePath)
            : throw new FileNotFoundException($"{imagePath}: {(Directory.Exists(imagePath) ? "is a folder; expected an image file" : "image file does not exist")}.", imagePath);
}
