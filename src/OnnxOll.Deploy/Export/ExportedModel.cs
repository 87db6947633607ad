using System.Text.Json.Nodes;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Inference;
using OnnxOll.Deploy.Pet;
using OnnxOll.Onnx.Json;
using OnnxOll.Runtime;

namespace OnnxOll.Deploy.Export;

/// <summary>An export folder opened on its own (no model folder, no cache): its graphs, PET tensors, tokenizer, preprocessing, prompts and classes.</summary>
/// <remarks>Owns its sessions; dispose it.</remarks>
public sealed class ExportedModel : IClipInference, IDisposable
{
    private readonly string directory;
    private readonly SessionSettings settings;
    private OnnxSession? vision;
    private OnnxSession? text;

    private ExportedModel(string directory, JsonObject manifest, SessionSettings settings)
    {
        this.directory = directory;
        this.settings = settings;
        Manifest = manifest;
        string manifestPath = Path.Combine(directory, ModelExporter.ManifestFileName);
        Config = ClipConfig.Load(directory);
        Layout = new PetLayout(PetSpec.Parse(JsonFields.Required<string>(manifest, "pet_spec", manifestPath)), Config);
        Pet = CheckpointPet.Read(Path.Combine(directory, ModelExporter.PetFileName)).Fill(Layout);
        Tokenizer = ClipTokenizer.Create(Path.Combine(directory, "vocab.json"), Path.Combine(directory, "merges.txt"),
            new ClipTokenizerOptions { ContextLength = Config.Text.MaxPositionEmbeddings });
        Preprocessing = PreprocessorConfig.Load(directory, Config.Vision.ImageSize);
        LogitScale = JsonFields.Required<float>(manifest, "logit_scale", manifestPath); // written from the frozen float, so read back bit for bit
        Prompts = JsonFields.Strings(manifest, "prompts", manifestPath) is { Length: > 0 } prompts ? prompts : [PromptTemplates.DefaultTemplate];
        string? classesFile = JsonFields.Optional<string?>(manifest, "class_embeddings", manifestPath, null);
        string classesPath = Path.Combine(directory, classesFile ?? ModelExporter.ClassEmbeddingsFileName);
        if (classesFile is not null && !File.Exists(classesPath))
        {
            throw new FileNotFoundException($"{classesPath}: file does not exist (listed as 'class_embeddings' in {manifestPath}).", classesPath);
        }

        Classes = File.Exists(classesPath) ? ClassEmbeddings.Load(classesPath) : null;
        Router = RouterExport.Read(manifest, directory);
    }

    /// <summary>The folder's manifest.json.</summary>
    public JsonObject Manifest { get; }

    /// <inheritdoc/>
    public string ModelHash => JsonFields.Optional(Manifest, "model_hash", Path.Combine(directory, ModelExporter.ManifestFileName), string.Empty);

    /// <inheritdoc/>
    public ClipConfig Config { get; }

    /// <inheritdoc/>
    public PetLayout Layout { get; }

    /// <summary>The exported (learned) PET tensors.</summary>
    public PetParameters Pet { get; }

    /// <inheritdoc/>
    public ClipTokenizer Tokenizer { get; }

    /// <inheritdoc/>
    public ClipImagePreprocessorOptions Preprocessing { get; }

    /// <inheritdoc/>
    public double LogitScale { get; }

    /// <summary>The prompt templates the PET tensors were learned with.</summary>
    public IReadOnlyList<string> Prompts { get; }

    /// <summary>The class vocabulary and its text features, or null when the export has none.</summary>
    public ClassEmbeddings? Classes { get; }

    /// <summary>The DDAS router of an export of a run learned with it (null: none; the learned PET serves every image).</summary>
    public AutoencoderRouter? Router { get; }

    /// <inheritdoc/>
    public OnnxSession Vision => vision ??= SessionFactory.Open(Path.Combine(directory, "vision.onnx"), settings);

    /// <inheritdoc/>
    public OnnxSession Text => text ??= SessionFactory.Open(Path.Combine(directory, "text.onnx"), settings);

    /// <summary>Opens the export in <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">No manifest, another format, or a missing file; the message names it.</exception>
    public static ExportedModel Open(string directory, SessionSettings? settings = null)
    {
        string path = Path.Combine(directory, ModelExporter.ManifestFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: export manifest does not exist; is {directory} an export folder?", path);
        }

        var manifest = JsonFields.ReadObject(path);
        if (JsonFields.Optional<string?>(manifest, "format", path, null) != ModelExporter.Format || JsonFields.Optional(manifest, "version", path, -1) != ModelExporter.Version)
        {
            throw new InvalidDataException($"{path}: fields 'format'/'version' are not '{ModelExporter.Format}' version {ModelExporter.Version}.");
        }

        return new ExportedModel(Path.GetFullPath(directory), manifest, settings ?? SessionSettings.Default);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        vision?.Dispose();
        text?.Dispose();
    }
}
