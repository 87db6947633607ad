using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Text;
using OnnxOll.Onnx.Proto;
using OnnxOll.Runtime;

namespace OnnxOll.Learning.Learner;

/// <summary>One CLIP folder made runnable: frozen weights in the cache, tokenizer, PET layout and the sessions of its graphs.</summary>
/// <remarks>Graphs are generated once per (model, PET spec, options) and kept in the model's cache directory. Owns its sessions.</remarks>
public sealed class ClipModelRuntime : IDisposable
{
    private readonly SessionSettings settings;
    private readonly List<IDisposable> owned = [];
    private OnnxSession? vision;
    private OnnxSession? text;

    private ClipModelRuntime(string modelDirectory, PetLayout layout, FrozenWeights frozen, ClipTokenizer tokenizer, string modelHash, SessionSettings settings)
    {
        ModelDirectory = modelDirectory;
        Layout = layout;
        Frozen = frozen;
        Tokenizer = tokenizer;
        ModelHash = modelHash;
        this.settings = settings;
    }

    // Cached graphs are rebuilt whenever the code that generates them changes (deterministic builds give content-based ids).
    private static readonly string GraphCodeVersion =
        $"{typeof(ClipTrainingGraph).Assembly.ManifestModule.ModuleVersionId}|{typeof(OnnxOll.Autodiff.GradientGraph).Assembly.ManifestModule.ModuleVersionId}";

    /// <summary>The Hugging Face folder.</summary>
    public string ModelDirectory { get; }

    /// <summary>The model config.</summary>
    public ClipConfig Config => Frozen.Config;

    /// <summary>The PET tensors inserted into the graphs.</summary>
    public PetLayout Layout { get; }

    /// <summary>The frozen weights file shared by every graph.</summary>
    public FrozenWeights Frozen { get; }

    /// <summary>The model's tokenizer, padded to the text tower's context length.</summary>
    public ClipTokenizer Tokenizer { get; }

    /// <summary>Identity of the base model (config + weights header).</summary>
    public string ModelHash { get; }

    /// <summary>True when the text tower carries PET tensors (text features then change as the model learns).</summary>
    public bool TextHasPet => Layout.Touches(ClipTower.Text);

    /// <summary>The evaluation vision graph: <c>pixel_values</c> (+ PET) to L2-normalised <c>image_embeds</c>.</summary>
    public OnnxSession Vision => vision ??= Open("vision", () => ClipVisionGraph.Build(Frozen, new ClipGraphOptions { Pet = Layout, Normalize = true }));

    /// <summary>The evaluation text graph: <c>input_ids</c> (+ PET) to L2-normalised <c>text_embeds</c>.</summary>
    public OnnxSession Text => text ??= Open("text", () => ClipTextGraph.Build(Frozen, new ClipGraphOptions { Pet = Layout, Normalize = true }));

    /// <summary>Opens the model folder, prepares its cache and checks the PET spec against the config.</summary>
    public static ClipModelRuntime Open(string modelDirectory, PetSpec spec, SessionSettings? settings = null)
    {
        string hash = OnnxOll.Learning.Checkpoints.ModelHash.Compute(modelDirectory);
        using var weights = ClipWeights.Open(modelDirectory);
        var layout = new PetLayout(spec, weights.Config);
        var frozen = FrozenWeights.Prepare(weights, ModelCache.DirectoryFor(hash));
        var tokenizer = ClipTokenizer.Create(
            Path.Combine(modelDirectory, "vocab.json"),
            Path.Combine(modelDirectory, "merges.txt"),
            new ClipTokenizerOptions { ContextLength = weights.Config.Text.MaxPositionEmbeddings });
        return new ClipModelRuntime(Path.GetFullPath(modelDirectory), layout, frozen, tokenizer, hash, settings ?? SessionSettings.Default);
    }

    /// <summary>Opens the SIT training-step graph (forward, loss, PET gradients) for the given options.</summary>
    public OnnxSession OpenTraining(ClipTrainingOptions options) =>
        Open($"train-{(options.DoubleSoftmax ? "ds" : "ce")}-{(options.Dropout ? "do" : "nd")}", () => ClipTrainingGraph.Build(Frozen, Layout, options));

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var d in owned)
        {
            d.Dispose();
        }

        owned.Clear();
    }

    private OnnxSession Open(string kind, Func<ModelProto> build)
    {
        string path = Path.Combine(Frozen.Directory, $"{kind}-{ModelCache.Key(Layout.Spec.ToString() + GraphCodeVersion)}.onnx");
        if (!File.Exists(path))
        {
            string temp = Frozen.SaveGraph(build(), Path.GetFileName(path) + ".tmp");
            File.Move(temp, path, overwrite: true);
        }

        var session = SessionFactory.Open(path, settings);
        owned.Add(session);
        return session;
    }
}
