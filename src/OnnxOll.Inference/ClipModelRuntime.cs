using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Onnx.Proto;
using OnnxOll.Runtime;

namespace OnnxOll.Inference;

/// <summary>One CLIP folder made runnable: frozen weights in the cache, tokenizer, PET layout and the sessions of its graphs.</summary>
/// <remarks>Graphs are generated once per (model, PET spec, options, generator code) and kept in the model's cache directory. Owns its
/// sessions, which share one copy of the frozen weights (<see cref="SharedWeights"/>: one memory map, one pre-packed copy per weight).</remarks>
public sealed class ClipModelRuntime : IClipInference, IDisposable
{
    /// <summary>The symbolic image-batch dimension of <see cref="ClipTrainingGraph"/>'s inputs.</summary>
    private const string TrainingBatchDimension = "batch";

    private readonly FrozenModel model;
    private readonly SessionSettings settings;
    private readonly List<IDisposable> owned = [];
    private OnnxSession? vision;
    private OnnxSession? text;
    private SharedWeights? shared;

    private ClipModelRuntime(string modelDirectory, FrozenModel model, ClipTokenizer tokenizer, SessionSettings settings)
    {
        Preprocessing = PreprocessorConfig.Load(modelDirectory, model.Config.Vision.ImageSize);
        ModelDirectory = modelDirectory;
        this.model = model;
        Tokenizer = tokenizer;
        this.settings = settings;
    }

    /// <summary>The Hugging Face folder.</summary>
    public string ModelDirectory { get; }

    /// <summary>The model config.</summary>
    public ClipConfig Config => model.Config;

    /// <summary>The PET tensors inserted into the graphs.</summary>
    public PetLayout Layout => model.Layout;

    /// <summary>The frozen weights file shared by every graph.</summary>
    public FrozenWeights Frozen => model.Frozen;

    /// <summary>The model's tokenizer, padded to the text tower's context length.</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <inheritdoc/>
    public ClipImagePreprocessorOptions Preprocessing { get; }

    /// <inheritdoc/>
    public double LogitScale => Frozen.LogitScale;

    /// <summary>Identity of the base model (config + weights header).</summary>
    public string ModelHash => model.ModelHash;

    /// <summary>True when the text tower carries PET tensors (text features then change as the model learns).</summary>
    public bool TextHasPet => Layout.Touches(ClipTower.Text);

    /// <summary>The evaluation vision graph: <c>pixel_values</c> (+ PET) to L2-normalised <c>image_embeds</c>.</summary>
    public OnnxSession Vision => vision ??= Open("vision-norm", () => ClipVisionGraph.Build(Frozen, new ClipGraphOptions { Pet = Layout, Normalize = true }));

    /// <summary>The evaluation text graph: <c>input_ids</c> (+ PET) to L2-normalised <c>text_embeds</c>.</summary>
    public OnnxSession Text => text ??= Open("text-norm", () => ClipTextGraph.Build(Frozen, new ClipGraphOptions { Pet = Layout, Normalize = true }));

    /// <summary>Opens the model folder, prepares its cache and checks the PET spec against the config.</summary>
    /// <param name="modelDirectory">The Hugging Face folder.</param>
    /// <param name="spec">The PET tensors to insert.</param>
    /// <param name="settings">Session settings (null: the defaults).</param>
    /// <param name="precision">How the graphs multiply by the frozen linear weights (float32 or int8).</param>
    public static ClipModelRuntime Open(string modelDirectory, PetSpec spec, SessionSettings? settings = null, FrozenPrecision precision = FrozenPrecision.Float32)
    {
        var model = FrozenModel.Open(modelDirectory, spec, precision);
        var tokenizer = ClipTokenizer.Create(
            Path.Combine(modelDirectory, "vocab.json"),
            Path.Combine(modelDirectory, "merges.txt"),
            new ClipTokenizerOptions { ContextLength = model.Config.Text.MaxPositionEmbeddings });
        if (tokenizer.VocabSize > model.Config.Text.VocabSize)
        {
            throw new InvalidDataException(
                $"{Path.Combine(modelDirectory, "vocab.json")}: {tokenizer.VocabSize} tokens (ids up to {tokenizer.VocabSize - 1}), but config.json text_config.vocab_size is {model.Config.Text.VocabSize}.");
        }

        return new ClipModelRuntime(Path.GetFullPath(modelDirectory), model, tokenizer, settings ?? SessionSettings.Default);
    }

    /// <summary>Opens the SIT training-step graph (forward, loss, PET gradients) for the given options.</summary>
    /// <param name="options">Loss and dropout options (one cached graph per combination).</param>
    /// <param name="batchSize">When set, the session is specialised to this many images (the graph's batch dimension is fixed),
    /// which lets ONNX Runtime fuse the bias Adds into Gemm and drop run-time shape work; it then accepts only that batch size.</param>
    public OnnxSession OpenTraining(ClipTrainingOptions options, int? batchSize = null)
    {
        // The memory pattern's planned block would hold about twice the activations kept for backward (see SessionSettings.MemoryPattern).
        var sessionSettings = settings with { MemoryPattern = false };
        if (batchSize is { } b)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(b, 1, nameof(batchSize));
            sessionSettings = sessionSettings with { FreeDimensions = new Dictionary<string, long>(StringComparer.Ordinal) { [TrainingBatchDimension] = b } };
        }

        string terms = FormattableString.Invariant($"{(options.SeenWeight > 0 ? $"-seen{options.SeenWeight:R}" : "")}{(options.TextOffset ? "-offset" : "")}{options.LossTermsKey}");
        return Open($"train-{(options.DoubleSoftmax ? "ds" : "ce")}-{(options.Dropout ? "do" : "nd")}{terms}", () => ClipTrainingGraph.Build(Frozen, Layout, options), sessionSettings);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var d in owned)
        {
            d.Dispose();
        }

        owned.Clear();
        shared?.Dispose();
        shared = null;
    }

    private OnnxSession Open(string kind, Func<ModelProto> build, SessionSettings? sessionSettings = null)
    {
        // One copy of the frozen weights for every session of the model: mapped once, pre-packed once (the container is shared),
        // and the mapped originals' pages dropped once packed; what session creation freed (folded constants once packed) goes
        // back to the system.
        shared ??= model.ShareWeights(prePack: true);
        var session = model.OpenGraph(kind, build, sessionSettings ?? settings, shared);
        shared.DropResidentPages();
        NativeHeap.Trim();

        owned.Add(session);
        return session;
    }
}
