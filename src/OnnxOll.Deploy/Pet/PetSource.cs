using System.Text.Json.Nodes;
using OnnxOll.Clip.Pet;
using OnnxOll.Deploy.OrtAdapters;
using OnnxOll.Deploy.Peft;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Storage.Runs;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Deploy.Pet;

/// <summary>Where a command's PET tensors come from: nothing (the base model), a safetensors file (plain or a checkpoint), a PEFT
/// adapter folder, an ONNX Runtime adapter file, or a run's latest good checkpoint; with the prompts and classes it knows.</summary>
/// <remarks>Every source that records the model it was learned on is checked against the model it is opened for here (<see cref="ModelMatch"/>),
/// so no command can use a run, checkpoint or adapter with another model by accident.</remarks>
public sealed class PetSource
{
    private const string SpecMetadataKey = "pet_spec";
    private readonly Func<PetLayout, PetParameters> load;

    private PetSource(PetSpec spec, string description, IReadOnlyList<string>? prompts, IReadOnlyList<string>? classes, Func<PetLayout, PetParameters> load)
    {
        Spec = spec;
        Description = description;
        Prompts = prompts;
        Classes = classes;
        this.load = load;
    }

    /// <summary>The PET spec the tensors belong to.</summary>
    public PetSpec Spec { get; }

    /// <summary>Where the tensors come from, for messages.</summary>
    public string Description { get; }

    /// <summary>The prompt templates the tensors were learned with, or null when unknown.</summary>
    public IReadOnlyList<string>? Prompts { get; }

    /// <summary>The class names the tensors were learned on (in order of first appearance), or null when unknown.</summary>
    public IReadOnlyList<string>? Classes { get; }

    /// <summary>Which checkpoint of a run was used (manifest, step, samples seen, newer ones skipped), or null when not from a run.</summary>
    public JsonObject? Checkpoint { get; private init; }

    /// <summary>A warning to show before the results (a run's newer checkpoints were unreadable, PET of another model allowed), or null.</summary>
    public string? Warning { get; private set; }

    /// <summary>The base model: no PET tensors.</summary>
    public static PetSource None { get; } = new(PetSpec.None, "base model", null, null, layout => PetParameters.Create(layout, 0));

    /// <summary>Given tensors (e.g. a learner's current values) with their prompts and classes.</summary>
    public static PetSource FromParameters(PetParameters parameters, string description, IReadOnlyList<string>? prompts = null, IReadOnlyList<string>? classes = null) =>
        new(parameters.Layout.Spec, description, prompts, classes, layout => new PetTensorSet(
            parameters.Layout.Tensors.Select(t => new NamedTensor(t.Name, parameters[t.Name], t.Shape)), description).Fill(layout));

    /// <summary>A file or folder of PET tensors, recognised by its shape: a PEFT adapter folder, a run folder, an <c>.onnx_adapter</c> file,
    /// a checkpoint manifest (<c>ckpt-*.json</c>) or a safetensors file (a checkpoint's AdamW moments are left out).</summary>
    /// <param name="path">The file or folder.</param>
    /// <param name="specText">The PET spec; needed for ONNX Runtime adapters and files without <c>pet_spec</c> metadata, else checked against the file's.</param>
    /// <param name="modelDirectory">The base model: the model hash a source records must be its.</param>
    /// <param name="allowOtherModel">Use tensors recorded as learned on another model, with a <see cref="Warning"/>.</param>
    /// <exception cref="InvalidDataException">The path holds none of these, or its spec is unknown.</exception>
    /// <exception cref="OtherModelException">The source records another model's hash and <paramref name="allowOtherModel"/> is false.</exception>
    public static PetSource Open(string path, string? specText, string modelDirectory, bool allowOtherModel = false)
    {
        if (Directory.Exists(path))
        {
            if (PeftAdapterFolder.IsAdapterFolder(path))
            {
                var adapter = PeftAdapterFolder.Read(path);
                var spec = Checked(adapter.Spec, specText, path);
                return new PetSource(spec, path, adapter.Prompts, adapter.Classes, adapter.Tensors.Fill)
                    .ForModel(adapter.ModelHash, adapter.BaseModel, modelDirectory, allowOtherModel);
            }

            return specText is null
                ? FromRun(path, modelDirectory, allowOtherModel)
                : throw new ArgumentException($"{path}: a run folder carries its own PET spec; leave out --pet-spec.");
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: PET file or folder does not exist.", path);
        }

        if (path.EndsWith(OrtAdapterFile.Extension, StringComparison.OrdinalIgnoreCase))
        {
            var spec = PetSpec.Parse(specText ?? throw new InvalidDataException($"{path}: an ONNX Runtime adapter does not store its PET spec; give it with --pet-spec."));
            return new PetSource(spec, path, null, null, layout => OrtAdapterFile.Read(path).Fill(layout));
        }

        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            var manifest = ReadManifest(path);
            string tensorsFile = manifest["tensors_file"]?.GetValue<string>() ?? throw new InvalidDataException($"{path}: field 'tensors_file' is missing.");
            return FromFile(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, tensorsFile), specText, modelDirectory, allowOtherModel);
        }

        return FromFile(path, specText, modelDirectory, allowOtherModel);
    }

    /// <summary>Tensors of a safetensors file (a checkpoint's AdamW moments are left out); the spec is <paramref name="specText"/> or else the file's
    /// <c>pet_spec</c> metadata. A checkpoint's prompts and classes come from its manifest beside it.</summary>
    /// <param name="path">The safetensors file.</param>
    /// <param name="specText">The PET spec, when the file carries none (else checked against the file's).</param>
    /// <param name="modelDirectory">The base model: a file's <c>model_hash</c> metadata must be its hash.</param>
    /// <param name="allowOtherModel">Use tensors recorded as learned on another model, with a <see cref="Warning"/>.</param>
    /// <exception cref="InvalidDataException">The file does not exist, has no spec and none was given, or holds another spec than the one given.</exception>
    /// <exception cref="OtherModelException">The file records another model's hash and <paramref name="allowOtherModel"/> is false.</exception>
    public static PetSource FromFile(string path, string? specText, string modelDirectory, bool allowOtherModel = false)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: PET file does not exist.", path);
        }

        string? stored, madeFor;
        try
        {
            using var file = SafeTensorsFile.Open(path);
            stored = file.Metadata.GetValueOrDefault(SpecMetadataKey);
            madeFor = file.Metadata.GetValueOrDefault(ModelHash.MetadataKey);
        }
        catch (SafeTensorsFormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }

        var spec = stored is null
            ? PetSpec.Parse(specText ?? throw new InvalidDataException($"{path}: no '{SpecMetadataKey}' metadata; give the spec with --pet-spec."))
            : Checked(PetSpec.Parse(stored), specText, path);
        string manifestPath = Path.ChangeExtension(path, ".json");
        var manifest = File.Exists(manifestPath) ? ReadManifest(manifestPath) : null;
        return new PetSource(spec, path, PromptsOf(manifest), ClassesOf(manifest), layout => CheckpointPet.Read(path).Fill(layout))
            .ForModel(madeFor, RunSettingsFile.RecordedModel(Path.GetDirectoryName(Path.GetFullPath(path))!), modelDirectory, allowOtherModel);
    }

    /// <summary>Either <paramref name="run"/> or <paramref name="petPath"/> (any source of <see cref="Open"/>: run folder, checkpoint, adapter folder, ...), or the base model.</summary>
    /// <exception cref="ArgumentException">Both a run and a PET source, or a spec without a source.</exception>
    /// <exception cref="OtherModelException">The source records another model's hash and <paramref name="allowOtherModel"/> is false.</exception>
    public static PetSource Resolve(string? run, string? petPath, string? petSpec, string modelDirectory, bool allowOtherModel = false)
    {
        if (run is not null && (petPath is not null || petSpec is not null))
        {
            throw new ArgumentException("Give either --run or --pet/--pet-spec, not both.");
        }

        if (run is not null)
        {
            return Open(run, null, modelDirectory, allowOtherModel);
        }

        if (petPath is null && petSpec is not null && PetSpec.Parse(petSpec).Methods.Count > 0)
        {
            throw new ArgumentException($"--pet-spec '{petSpec}' needs --pet with its tensors.");
        }

        return petPath is null ? None : Open(petPath, petSpec, modelDirectory, allowOtherModel);
    }

    /// <summary>The latest good checkpoint of a learning run with its spec, prompts and classes; <see cref="Checkpoint"/> says which
    /// it is and <see cref="Warning"/> when newer ones were unreadable.</summary>
    /// <exception cref="InvalidDataException">No checkpoint in the folder, or none readable.</exception>
    /// <exception cref="OtherModelException">The run was learned on another model and <paramref name="allowOtherModel"/> is false.</exception>
    public static PetSource FromRun(string runDirectory, string modelDirectory, bool allowOtherModel = false)
    {
        if (!Directory.Exists(runDirectory))
        {
            throw new DirectoryNotFoundException($"{runDirectory}: run folder does not exist.");
        }

        var store = new CheckpointStore(runDirectory);
        if (store.ListSteps().Count == 0)
        {
            string hint = Export.ModelExporter.IsExport(runDirectory)
                ? $"it is an export folder: give its {Path.Combine(runDirectory, Export.ModelExporter.PetFileName)}, or use --export {runDirectory}"
                : "was the run made with checkpoints?";
            throw new InvalidDataException($"{runDirectory}: no checkpoint manifest (ckpt-*.json); {hint}");
        }

        var loaded = store.LoadLatest(null, null);
        var checkpoint = loaded.Checkpoint
            ?? throw new InvalidDataException($"{runDirectory}: no readable checkpoint ({string.Join("; ", loaded.Skipped)}).");
        var manifest = new JsonObject { ["learner_config"] = checkpoint.LearnerConfig.DeepClone(), ["metrics"] = checkpoint.Metrics?.DeepClone() };
        long samples = checkpoint.Counters.TryGetValue("samples_seen", out long seen) ? seen : checkpoint.StreamCursor;
        string name = Path.GetFileName(loaded.ManifestPath!);
        return new PetSource(PetSpec.Parse(checkpoint.PetSpec), $"{runDirectory}, {name}: step {checkpoint.Step}, sample {samples}", PromptsOf(manifest), ClassesOf(manifest),
            layout => new PetTensorSet(checkpoint.Tensors, loaded.ManifestPath!).Fill(layout))
        {
            Checkpoint = new JsonObject
            {
                ["manifest"] = name,
                ["step"] = checkpoint.Step,
                ["samples_seen"] = samples,
                ["fell_back_past"] = new JsonArray(loaded.Skipped.Select(s => (JsonNode?)s).ToArray()),
            },
            Warning = Join(
                loaded.Skipped.Count == 0 ? null
                    : $"FELL BACK to the older {name} (step {checkpoint.Step}, sample {samples}): newer checkpoints are unreadable: {string.Join("; ", loaded.Skipped)}",
                checkpoint.LearnerConfig["prototype_weight"] is { } weight
                    ? $"{runDirectory} mixed prototype logits (weight {weight.GetValue<string>()}) into its evaluations; PET tensors and text features carry no prototypes, so this scores without them"
                    : null,
                checkpoint.LearnerConfig["text_offset_lr"] is not null
                    ? $"{runDirectory} learned per-class text offsets; PET tensors carry none, so this scores the prompts' own text features"
                    : null),
        }.ForModel(checkpoint.ModelHash, RunSettingsFile.RecordedModel(runDirectory), modelDirectory, allowOtherModel);
    }

    private static string? Join(params string?[] warnings) =>
        warnings.Any(w => w is not null) ? string.Join("; ", warnings.OfType<string>()) : null;

    // The one place a source's recorded model is checked against the model it is opened for; its warning comes first (a line is capped).
    private PetSource ForModel(string? recordedHash, string? recordedModel, string modelDirectory, bool allowOtherModel)
    {
        if (recordedHash is not null && ModelMatch.Check(Description, recordedHash, recordedModel, modelDirectory, allowOtherModel) is { } warning)
        {
            Warning = Join(warning, Warning);
        }

        return this;
    }

    /// <summary>Loads the tensors for <paramref name="layout"/> (which must be of <see cref="Spec"/>).</summary>
    public PetParameters Load(PetLayout layout) => load(layout);

    private static PetSpec Checked(PetSpec stored, string? given, string path) =>
        given is null || PetSpec.Parse(given).ToString() == stored.ToString()
            ? stored
            : throw new InvalidDataException($"{path}: holds PET spec '{stored}', --pet-spec is '{PetSpec.Parse(given)}'.");

    private static JsonObject ReadManifest(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }

    private static string[]? PromptsOf(JsonObject? manifest) =>
        (manifest?["learner_config"]?["prompts"] as JsonArray)?.Select(p => p!.GetValue<string>()).ToArray();

    private static string[]? ClassesOf(JsonObject? manifest) =>
        (manifest?["metrics"]?["vocabulary"] as JsonArray)?.Select(p => p!.GetValue<string>()).ToArray() is { Length: > 0 } names ? names : null;
}
