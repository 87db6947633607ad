using System.Text.Json.Nodes;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>DDAS, the Distribution-Discriminative Auto-Selector of MoE-Adapters4CL (Yu et al., CVPR 2024), as a learner plugin: one
/// small autoencoder per learned distribution on the frozen model's normalised image features, and, at inference, a router that sends
/// an input to the frozen (zero-shot) model when the autoencoder that reconstructs it best still errs above its threshold.</summary>
/// <remarks>A distribution is a task: the scenario's, or one a task-free plugin announced; its autoencoder learns online, a few Adam steps
/// on each batch's stream images (OnnxOll's autodiff over <see cref="AutoencoderLossGraph"/>), and closes at the task's end. Its threshold
/// is the <see cref="DdasOptions.ThresholdQuantile"/> of its errors on a reservoir of its training features; the official code instead
/// sets one threshold for all autoencoders by hand (<c>--threshold</c>).</remarks>
public sealed class DistributionSelector : LearnerPlugin, IInputRouter, IDisposable
{
    private readonly DdasOptions options;
    private readonly ImageEmbedder embedder;
    private readonly PetParameters frozen;
    private readonly AutoencoderLossGraph graph;
    private readonly List<DdasAutoencoder> autoencoders = [];
    private readonly List<RoutingAutoencoder> forwards = [];
    private readonly AutoencoderRouter router;
    private readonly int dimension;
    private float[] embeds = [];
    private float[] features = [];
    private bool inSeenEvaluation;
    private int seenImages, seenToLearned, controlImages, controlToFrozen;

    /// <summary>DDAS over the frozen image tower of <paramref name="model"/> with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    public DistributionSelector(ClipModelRuntime model, DdasOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        dimension = model.Config.ProjectionDim;
        frozen = PetParameters.Zero(model.Layout);
        embedder = new ImageEmbedder(model);
        graph = new AutoencoderLossGraph(dimension, options.HiddenDims);
        router = new AutoencoderRouter(forwards);
    }

    /// <summary>The name its state has in checkpoints.</summary>
    public const string PluginName = "ddas";

    /// <inheritdoc/>
    public override string Name => PluginName;

    /// <summary>The router a run's latest good checkpoint holds (null: the run did not learn with DDAS), for commands that serve the run.</summary>
    /// <exception cref="InvalidDataException">The run has no readable checkpoint, or its DDAS state is damaged.</exception>
    public static AutoencoderRouter? LoadRouter(string runDirectory)
    {
        var loaded = new CheckpointStore(runDirectory).LoadLatest(null, null);
        var checkpoint = loaded.Checkpoint ?? throw new InvalidDataException($"{runDirectory}: no readable checkpoint ({string.Join("; ", loaded.Skipped)}).");
        return PluginState.Of(checkpoint, PluginName) is { } state ? AutoencoderRouter.FromState(state.Json, state.Tensors, loaded.ManifestPath!) : null;
    }

    /// <summary>The autoencoders, one per learned distribution, in the order their tasks began.</summary>
    public IReadOnlyList<DdasAutoencoder> Autoencoders => autoencoders;

    /// <summary>The routing accuracy of the last evaluation of streamed classes and of the last holdout (control) evaluation.</summary>
    public DdasRouting Routing => new(seenImages, Fraction(seenToLearned, seenImages), controlImages, Fraction(controlToFrozen, controlImages));

    /// <inheritdoc/>
    /// <remarks>Routing accuracy: <c>streamed_to_learned</c> of the last evaluation (streamed classes), <c>control_to_frozen</c> of the
    /// final holdout evaluation (never-streamed classes), and the number of <c>autoencoders</c>.</remarks>
    public override IReadOnlyDictionary<string, double>? SummaryMetrics(LearnerContext context)
    {
        var routing = Routing;
        return new Dictionary<string, double>
        {
            ["autoencoders"] = autoencoders.Count,
            ["streamed_to_learned"] = routing.StreamedToLearned,
            ["control_to_frozen"] = routing.ControlToFrozen,
        };
    }

    /// <inheritdoc/>
    public override void AfterBatch(LearnerContext context)
    {
        var plan = context.Plan!.Samples;
        int count = context.BatchLabels.Length;
        int stream = plan.Count(s => s.FromStream);
        if (count == 0 || stream == 0)
        {
            return;
        }

        Grow(ref embeds, count * dimension);
        Grow(ref features, stream * dimension);
        embedder.Embed(context.Pixels.Span, count, frozen, embeds);
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            if (plan[i].FromStream)
            {
                embeds.AsSpan(i * dimension, dimension).CopyTo(features.AsSpan(n++ * dimension, dimension));
            }
        }

        Learn(features, n);
    }

    /// <inheritdoc/>
    public override void AfterTask(LearnerContext context) => EndDistribution();

    /// <summary>Learns <paramref name="count"/> frozen, normalised image features of the current distribution (rows of the embedding's
    /// width): Adam steps on its autoencoder, started when none is open, and the features offered to its reservoir.</summary>
    public void Learn(float[] frozenFeatures, int count)
    {
        ArgumentNullException.ThrowIfNull(frozenFeatures);
        if (count <= 0 || frozenFeatures.Length < count * dimension)
        {
            throw new ArgumentException($"DDAS needs {count} features of width {dimension}, got {frozenFeatures.Length} values.", nameof(frozenFeatures));
        }

        var current = autoencoders.Count > 0 && autoencoders[^1].Open ? autoencoders[^1] : Start();
        current.Train(graph, frozenFeatures, count, options.StepsPerBatch);
        current.Remember(frozenFeatures, count);
    }

    /// <summary>The current distribution ended (a task boundary): its autoencoder's threshold is fixed and its reservoir dropped.</summary>
    public void EndDistribution()
    {
        foreach (var autoencoder in autoencoders.Where(a => a.Open))
        {
            autoencoder.Close(options.ThresholdQuantile);
        }
    }

    /// <inheritdoc/>
    public override IInputRouter? Router(LearnerContext context)
    {
        foreach (var autoencoder in autoencoders.Where(a => a.Open))
        {
            autoencoder.UpdateThreshold(options.ThresholdQuantile);
        }

        if (!inSeenEvaluation)
        {
            (controlImages, controlToFrozen) = (0, 0);
        }

        return this;
    }

    /// <summary>True when no autoencoder exists, or the one with the smallest reconstruction error of <paramref name="frozenEmbedding"/>
    /// errs above its threshold (<see cref="AutoencoderRouter"/>, the official rule: the best autoencoder, then its threshold).</summary>
    public bool ToFrozen(ReadOnlySpan<float> frozenEmbedding)
    {
        bool toFrozen = router.ToFrozen(frozenEmbedding);
        if (inSeenEvaluation)
        {
            seenImages++;
            seenToLearned += toFrozen ? 0 : 1;
        }
        else
        {
            controlImages++;
            controlToFrozen += toFrozen ? 1 : 0;
        }

        return toFrozen;
    }

    /// <inheritdoc/>
    public override void BeforeEvaluation(LearnerContext context)
    {
        inSeenEvaluation = true;
        (seenImages, seenToLearned) = (0, 0);
    }

    /// <inheritdoc/>
    public override void AfterEvaluation(LearnerContext context) => inSeenEvaluation = false;

    /// <inheritdoc/>
    /// <remarks>An open autoencoder's threshold is brought up to date first, so that the checkpoint routes as the run would now.</remarks>
    public override PluginState? SaveState(LearnerContext context)
    {
        foreach (var autoencoder in autoencoders.Where(a => a.Open))
        {
            autoencoder.UpdateThreshold(options.ThresholdQuantile);
        }

        var list = new JsonArray();
        var tensors = new List<NamedTensor>();
        for (int i = 0; i < autoencoders.Count; i++)
        {
            var (json, saved) = autoencoders[i].Save(Prefix(i));
            list.Add(json);
            tensors.AddRange(saved);
        }

        return new PluginState(new JsonObject { ["dimension"] = dimension, ["hidden"] = options.HiddenDims, ["autoencoders"] = list }, tensors);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidDataException">The state belongs to other feature or code widths, or a tensor is missing.</exception>
    public override void RestoreState(LearnerContext context, PluginState state)
    {
        var json = state.Json?.AsObject() ?? throw new InvalidDataException("DDAS state: the checkpoint holds no JSON for plugin 'ddas'.");
        int savedDimension = json["dimension"]!.GetValue<int>(), savedHidden = json["hidden"]!.GetValue<int>();
        if (savedDimension != dimension || savedHidden != options.HiddenDims)
        {
            throw new InvalidDataException($"DDAS state: the checkpoint's autoencoders are {savedDimension}→{savedHidden}, this run's {dimension}→{options.HiddenDims} (hidden_dims changed?).");
        }

        var tensors = state.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        autoencoders.Clear();
        forwards.Clear();
        foreach (var saved in json["autoencoders"]!.AsArray())
        {
            Start().Restore(Prefix(autoencoders.Count - 1), saved!.AsObject(), tensors);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        embedder.Dispose();
        graph.Dispose();
    }

    private static string Prefix(int index) => AutoencoderRouter.StateName(index);

    private static double Fraction(int part, int whole) => whole > 0 ? (double)part / whole : double.NaN;

    private static void Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }
    }

    /// <summary>A new autoencoder for the distribution that begins, seeded by the options' seed and its index.</summary>
    private DdasAutoencoder Start()
    {
        var autoencoder = new DdasAutoencoder(dimension, options, ((ulong)(uint)options.Seed << 32) | (uint)autoencoders.Count);
        autoencoders.Add(autoencoder);
        forwards.Add(autoencoder.Forward);
        return autoencoder;
    }
}
