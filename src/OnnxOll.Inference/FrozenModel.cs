using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Proto;
using OnnxOll.Runtime;

namespace OnnxOll.Inference;

/// <summary>A model folder's frozen weights (prepared in the model cache) and a PET layout, without a tokenizer:
/// enough for batch files that already carry token ids (folders without vocab.json/merges.txt work).</summary>
public sealed class FrozenModel
{
    // Cached graphs are rebuilt whenever the code that generates them changes (deterministic builds give content-based ids).
    private static readonly string GraphCodeVersion =
        $"{typeof(ClipTrainingGraph).Assembly.ManifestModule.ModuleVersionId}|{typeof(OnnxOll.Autodiff.GradientGraph).Assembly.ManifestModule.ModuleVersionId}";

    private FrozenModel(FrozenWeights frozen, PetLayout layout, string modelHash)
    {
        Frozen = frozen;
        Layout = layout;
        ModelHash = modelHash;
    }

    /// <summary>The frozen weights file shared by every graph.</summary>
    public FrozenWeights Frozen { get; }

    /// <summary>The PET tensors inserted into the graphs.</summary>
    public PetLayout Layout { get; }

    /// <summary>The model config.</summary>
    public ClipConfig Config => Frozen.Config;

    /// <summary>Identity of the base model (<see cref="OnnxOll.Storage.Checkpoints.ModelHash"/>: config, headers and weights).</summary>
    public string ModelHash { get; }

    /// <summary>Opens the model folder, prepares its cache (and the int8 weights when <paramref name="precision"/> asks for them)
    /// and resolves the PET spec against its config.</summary>
    public static FrozenModel Open(string modelDirectory, PetSpec spec, FrozenPrecision precision = FrozenPrecision.Float32)
    {
        string hash = OnnxOll.Storage.Checkpoints.ModelHash.Compute(modelDirectory);
        using var weights = ClipWeights.Open(modelDirectory);
        var layout = new PetLayout(spec, weights.Config);
        return new FrozenModel(FrozenWeights.Prepare(weights, ModelCache.DirectoryFor(hash)).As(precision), layout, hash);
    }

    /// <summary>Opens graph <paramref name="kind"/> of this PET spec, building it into the cache folder (next to weights.bin) on first use.</summary>
    /// <param name="kind">The graph's file-name prefix in the cache.</param>
    /// <param name="build">Builds the graph when it is not cached yet.</param>
    /// <param name="settings">Session settings.</param>
    /// <param name="shared">Frozen weights shared with the model's other sessions (see <see cref="ShareWeights"/>); not owned.</param>
    public OnnxSession OpenGraph(string kind, Func<ModelProto> build, SessionSettings settings, SharedWeights? shared = null)
    {
        string path = Path.Combine(Frozen.Directory, $"{kind}-{ModelCache.Key($"{Layout.Spec}|{Frozen.Precision}|{GraphCodeVersion}")}.onnx");
        if (!File.Exists(path))
        {
            string temp = Frozen.SaveGraph(build(), $"{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            File.Move(temp, path, overwrite: true);
        }

        return SessionFactory.Open(path, settings, shared);
    }

    /// <summary>Maps every frozen tensor of the cache (weights.bin, and weights-int8.bin when used) once, for all sessions of this model.</summary>
    /// <param name="prePack">Let sessions pre-pack the weights, one packed copy per weight for all of them.</param>
    public SharedWeights ShareWeights(bool prePack)
    {
        var tensors = Frozen.Names.Select(Frozen.Reference);
        if (Frozen.Int8 is { } int8)
        {
            tensors = tensors.Concat(int8.TensorNames.Select(int8.Reference));
        }

        return SharedWeights.FromTensors(Frozen.Directory, tensors, Path.Combine(Frozen.Directory, FrozenWeights.IndexFileName), prePack);
    }
}
