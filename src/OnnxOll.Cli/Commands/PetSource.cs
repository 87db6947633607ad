using System.Text.Json.Nodes;
using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Checkpoints;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Cli.Commands;

/// <summary>Where a command's PET tensors come from: nothing (the base model), a safetensors file with a spec, or a run's latest good checkpoint.</summary>
public sealed class PetSource
{
    private const string SpecMetadataKey = "pet_spec";
    private readonly Func<PetLayout, PetParameters> load;

    private PetSource(PetSpec spec, string description, IReadOnlyList<string>? prompts, Func<PetLayout, PetParameters> load)
    {
        Spec = spec;
        Description = description;
        Prompts = prompts;
        this.load = load;
    }

    /// <summary>The PET spec the tensors belong to.</summary>
    public PetSpec Spec { get; }

    /// <summary>Where the tensors come from, for messages.</summary>
    public string Description { get; }

    /// <summary>The prompt templates a run learned with, or null when not from a run.</summary>
    public IReadOnlyList<string>? Prompts { get; }

    /// <summary>The base model: no PET tensors.</summary>
    public static PetSource None { get; } = new(PetSpec.None, "base model", null, layout => PetParameters.Create(layout, 0));

    /// <summary>Tensors of a safetensors file; the spec is <paramref name="specText"/> or else the file's <c>pet_spec</c> metadata.</summary>
    /// <exception cref="InvalidDataException">The file does not exist or has no spec and none was given.</exception>
    public static PetSource FromFile(string path, string? specText)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: PET file does not exist.", path);
        }

        if (specText is null)
        {
            using var file = SafeTensorsFile.Open(path);
            specText = file.Metadata.TryGetValue(SpecMetadataKey, out var stored)
                ? stored
                : throw new InvalidDataException($"{path}: no '{SpecMetadataKey}' metadata; give the spec with --pet-spec.");
        }

        return new PetSource(PetSpec.Parse(specText), path, null, layout => PetParameters.Load(path, layout));
    }

    /// <summary>Either a file (with <paramref name="petSpec"/>), a run, or the base model when neither is given.</summary>
    /// <exception cref="ArgumentException">Both a run and a PET file, or a spec without a file.</exception>
    public static PetSource Resolve(string? runDirectory, string? petFile, string? petSpec, string modelDirectory)
    {
        if (runDirectory is not null && (petFile is not null || petSpec is not null))
        {
            throw new ArgumentException("Give either --run or --pet/--pet-spec, not both.");
        }

        if (runDirectory is not null)
        {
            return FromRun(runDirectory, modelDirectory);
        }

        if (petFile is null && petSpec is not null && PetSpec.Parse(petSpec).Methods.Count > 0)
        {
            throw new ArgumentException($"--pet-spec '{petSpec}' needs --pet FILE with its tensors.");
        }

        return petFile is null ? None : FromFile(petFile, petSpec);
    }

    /// <summary>The latest good checkpoint of a learning run; the spec and prompts are read from its newest manifest.</summary>
    /// <exception cref="InvalidDataException">No checkpoint in the folder, or none readable.</exception>
    public static PetSource FromRun(string runDirectory, string modelDirectory)
    {
        if (!Directory.Exists(runDirectory))
        {
            throw new DirectoryNotFoundException($"{runDirectory}: run folder does not exist.");
        }

        string manifestPath = Directory.GetFiles(runDirectory, "ckpt-*.json").Order(StringComparer.Ordinal).LastOrDefault()
            ?? throw new InvalidDataException($"{runDirectory}: no checkpoint manifest (ckpt-*.json); was the run made with checkpoints?");
        JsonObject manifest;
        try
        {
            manifest = JsonNode.Parse(File.ReadAllText(manifestPath)) as JsonObject ?? throw new InvalidDataException($"{manifestPath}: not a JSON object.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{manifestPath}: not valid JSON ({e.Message}).", e);
        }

        string specText = manifest[SpecMetadataKey]?.GetValue<string>() ?? throw new InvalidDataException($"{manifestPath}: field '{SpecMetadataKey}' is missing.");
        var prompts = (manifest["learner_config"]?["prompts"] as JsonArray)?.Select(p => p!.GetValue<string>()).ToArray();
        var spec = PetSpec.Parse(specText);
        string hash = ModelHash.Compute(modelDirectory);
        return new PetSource(spec, runDirectory, prompts, layout =>
        {
            var loaded = new CheckpointStore(runDirectory).LoadLatest(hash, spec.ToString());
            var checkpoint = loaded.Checkpoint
                ?? throw new InvalidDataException($"{runDirectory}: no readable checkpoint ({string.Join("; ", loaded.Skipped)}).");
            var parameters = PetParameters.Create(layout, 0);
            var tensors = checkpoint.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            foreach (var info in layout.Tensors)
            {
                if (!tensors.TryGetValue(info.Name, out var t) || !t.Shape.SequenceEqual(info.Shape))
                {
                    throw new InvalidDataException($"{loaded.ManifestPath}: PET tensor '{info.Name}' is missing or not of shape [{string.Join(", ", info.Shape)}].");
                }

                t.Data.AsSpan().CopyTo(parameters[info.Name]);
            }

            return parameters;
        });
    }

    /// <summary>Loads the tensors for <paramref name="layout"/> (which must be of <see cref="Spec"/>).</summary>
    public PetParameters Load(PetLayout layout) => load(layout);
}
