using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Deploy.Export;
using OnnxOll.Deploy.Pet;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Streams.Synthetic;
using OnnxOll.Runtime;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary><c>onnxoll eval</c>: accuracy of a run's latest PET model on a data spec's test split over all its classes; writes <c>eval.json</c>.</summary>
public static class EvalCommand
{
    /// <summary>The report's file name inside the run folder.</summary>
    public const string ReportFileName = "eval.json";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var model = CommonOptions.ModelPath(new Option<string?>("--model") { Description = "CLIP folder (config.json, model.safetensors, vocab.json, merges.txt); not needed with --export." });
        var run = new Option<string?>("--run") { Description = "Run folder or checkpoint (its latest good checkpoint is evaluated)." };
        var pet = new Option<string?>("--pet") { Description = "PET tensors instead of a run: safetensors (or checkpoint), PEFT adapter folder or .onnx_adapter." };
        var petSpec = new Option<string?>("--pet-spec") { Description = "PET spec of --pet (default: the file's own)." };
        var export = new Option<string?>("--export") { Description = "Export folder (from onnxoll export): evaluate it alone." };
        var data = new Option<string>("--data") { Description = "Data spec with a test split: folder:DIR, tar:FILE, idx:..., cifar10:DIR, cifar100:DIR, synthetic[:...].", Required = true };
        var perClass = CommonOptions.AtLeast(new Option<int>("--per-class") { Description = "Test images per class (0: all).", DefaultValueFactory = _ => 0 }, 0);
        var output = CommonOptions.OutputFile(new Option<string?>("--out") { Description = "Report file to write (default: eval.json beside the run, checkpoint or export; none for the base model alone), e.g. when that folder is read-only." });
        var json = JsonOutput.Option();
        var threads = CommonOptions.Threads();
        var provider = CommonOptions.Provider();
        var frozen = CommonOptions.Frozen();
        var allowOtherModel = CommonOptions.AllowOtherModel();
        var command = new Command("eval", "Evaluate a PET model (run, checkpoint, adapter or export) on the test split of a data set; print a table and write eval.json.")
        {
            model, run, pet, petSpec, export, data, perClass, output, threads, provider, frozen, allowOtherModel, json,
        };
        command.SetAction(parse =>
        {
            var settings = CommonOptions.Settings(parse, threads, provider);
            string dataSpec = parse.GetValue(data)!;
            EvalResult result;
            if (parse.GetValue(export) is { } exportDir)
            {
                if (parse.GetValue(model) is not null || parse.GetValue(run) is not null || parse.GetValue(pet) is not null)
                {
                    throw new ArgumentException("--export evaluates the export alone; leave out --model, --run and --pet.");
                }

                using var exported = ExportedModel.Open(exportDir, settings);
                result = Evaluate(exported, exported.Pet, exported.Prompts, dataSpec, parse.GetValue(perClass), exportDir, exportDir, parse.GetValue(output), router: exported.Router);
            }
            else
            {
                string modelDir = parse.GetValue(model) ?? throw new ArgumentException("Give --model (a CLIP folder) or --export (an export folder).");
                string? runPath = parse.GetValue(run);
                string? petPath = parse.GetValue(pet);
                var source = PetSource.Resolve(runPath, petPath, parse.GetValue(petSpec), modelDir, parse.GetValue(allowOtherModel));
                if (source.Warning is { } warning)
                {
                    CommandErrors.Warn(warning);
                }

                string? reportDir = (runPath ?? petPath) is { } p ? (Directory.Exists(p) ? p : Path.GetDirectoryName(Path.GetFullPath(p))!) : null;
                using var runtime = ClipModelRuntime.Open(modelDir, source.Spec, settings, parse.GetValue(frozen));
                var router = RunRouter.Of(runPath, source);
                result = Evaluate(runtime, source.Load(runtime.Layout), source.Prompts ?? [PromptTemplates.DefaultTemplate], dataSpec, parse.GetValue(perClass), source.Description, reportDir,
                    parse.GetValue(output), source.Checkpoint, router);
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(result.Report);
                return 0;
            }

            var table = new Table().AddColumn("class").AddColumn(new TableColumn("images").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
            foreach (var (name, accuracy) in result.PerClass.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(name), result.Samples[name].ToString(CultureInfo.InvariantCulture), accuracy.ToString("P1", CultureInfo.InvariantCulture));
            }

            table.AddRow("[bold]overall[/]", result.Samples.Values.Sum().ToString(CultureInfo.InvariantCulture), $"[bold]{result.Accuracy.ToString("P1", CultureInfo.InvariantCulture)}[/]");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"evaluated {result.Source}; {(result.ReportPath is { } written ? $"wrote {written}" : "no report written (no run folder; --out FILE writes one)")}");
            return 0;
        });
        return command;
    }

    /// <summary>Evaluates the run's latest good checkpoint on every class of the test split and writes eval.json into the run folder.</summary>
    /// <exception cref="InvalidDataException">The data has no test split, or the run no readable checkpoint.</exception>
    public static EvalResult Evaluate(string modelDir, string runDir, string dataSpec, int perClass, SessionSettings settings,
        FrozenPrecision frozen = FrozenPrecision.Float32)
    {
        var source = PetSource.FromRun(runDir, modelDir);
        using var model = ClipModelRuntime.Open(modelDir, source.Spec, settings, frozen);
        return Evaluate(model, source.Load(model.Layout), source.Prompts ?? [PromptTemplates.DefaultTemplate], dataSpec, perClass, source.Description, runDir, checkpoint: source.Checkpoint,
            router: DistributionSelector.LoadRouter(runDir));
    }

    /// <summary>Evaluates <paramref name="model"/> with <paramref name="pet"/> on every class of the test split; writes <paramref name="reportPath"/>
    /// (default: eval.json in <paramref name="reportDir"/>; neither: no file), recording <paramref name="checkpoint"/> (which checkpoint of a run was used).
    /// With a DDAS <paramref name="router"/> (a run learned with it), images it sends to the frozen model score against the frozen model's
    /// text features, and the report says how many went where.</summary>
    /// <exception cref="InvalidDataException">The data has no test split.</exception>
    public static EvalResult Evaluate(IClipInference model, PetParameters pet, IReadOnlyList<string> prompts, string dataSpec, int perClass, string description, string? reportDir,
        string? reportPath = null, JsonObject? checkpoint = null, AutoencoderRouter? router = null)
    {
        using var data = DataSources.Open(dataSpec);
        var test = data.Test ?? throw new InvalidDataException($"Data spec '{dataSpec}': no test split to evaluate on.");
        var vocabulary = new ClassVocabulary();
        foreach (var name in test.Labels.Distinct().Order(StringComparer.Ordinal))
        {
            vocabulary.GetOrAdd(name);
        }

        using var evaluator = new Evaluator(model, test, perClass);
        using var text = new TextFeatures(model, new PromptTemplates(prompts));
        text.Extend(vocabulary, pet);
        evaluator.Router = router;
        using var frozenText = router is null ? null : new TextFeatures(model, new PromptTemplates(prompts));
        frozenText?.Extend(vocabulary, PetParameters.Zero(model.Layout));
        var (accuracy, byClass) = evaluator.Evaluate(Enumerable.Range(0, vocabulary.Count).ToArray(), vocabulary, text, pet, frozenText: frozenText);
        var samples = test.Labels.GroupBy(l => l, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => perClass > 0 ? Math.Min(perClass, g.Count()) : g.Count(), StringComparer.Ordinal);

        var perClassJson = new JsonObject();
        foreach (var (name, value) in byClass.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            perClassJson[name] = new JsonObject { ["accuracy"] = value, ["images"] = samples[name] };
        }

        var report = new JsonObject
        {
            ["model_hash"] = model.ModelHash,
            ["pet_source"] = description,
            ["checkpoint"] = checkpoint?.DeepClone(),
            ["pet_spec"] = model.Layout.Spec.ToString(),
            ["data"] = dataSpec,
            ["per_class_limit"] = perClass,
            ["classes"] = vocabulary.Count,
            ["images"] = samples.Values.Sum(),
            ["accuracy"] = accuracy,
            ["per_class"] = perClassJson,
            ["created_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        if (router is not null)
        {
            report["ddas"] = new JsonObject { ["autoencoders"] = router.Autoencoders.Count, ["images"] = router.Calls, ["to_frozen"] = router.SentToFrozen };
        }

        if ((reportPath ?? (reportDir is null ? null : Path.Combine(reportDir, ReportFileName))) is not { } target)
        {
            return new EvalResult(accuracy, byClass, samples, null, description, report);
        }

        string path = Path.GetFullPath(target);
        string json = report.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        try
        {
            AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(json)));
        }
        catch (Exception e) when (reportPath is null && e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot write the report ({e.Message.Trim()}); pass --out FILE to write it elsewhere.", e);
        }

        return new EvalResult(accuracy, byClass, samples, path, description, report);
    }
}
