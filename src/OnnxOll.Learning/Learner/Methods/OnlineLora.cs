using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Onnx.Graph;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>Online-LoRA (Wei et al. 2024; <c>online-lora:window=5,mean=6,variance=0.1,weight=2000,buffer=4</c>), task-free: a loss plateau
/// (<see cref="LossPlateau"/>) consolidates the LoRA learned so far, an importance-weighted penalty holds it, and a hard buffer of the
/// highest-loss samples is replayed in every batch.</summary>
/// <remarks>
/// <para>Consolidation on OnnxOll's fixed PET inputs: the official code keeps a frozen LoRA (A, B) and a fresh one (A', B'), and at a
/// plateau adds A' into A and B' into B (not their product) and restarts A', B' at zero. The consolidated model is therefore exactly one
/// LoRA of the same rank, so here the PET tensors θ hold A + A' and B + B', and the fresh LoRA is their offset from the values θ* taken at
/// the last plateau (zero right after it, as the official reset). The penalty weight/2 · Σ Ω ⊙ (θ − θ*)², an ONNX loss term
/// (<see cref="ImportancePenalty"/>), is the official penalty on A', B'. Between plateaus the forward differs from the official one by the
/// cross terms B·A' + B'·A, which the official code adds at its next consolidation anyway.</para>
/// <para>Importance Ω: the squared gradients of the task loss (the step's gradient minus the penalty's) accumulated over the steps since
/// the last plateau, averaged over them, and averaged over plateaus with weight 1/n as the official code does. The official code takes
/// squared gradients of each hard-buffer sample's predicted-class NLL in an extra pass; this uses the steps already taken.</para>
/// <para>A plateau announces a task boundary (the optimizer reset acts when enabled) and is recorded with its stream position
/// (checkpointed; summary.json's <c>methods.OnlineLora.*</c>).</para>
/// </remarks>
public sealed class OnlineLora : LearnerPlugin
{
    private readonly LossPlateau plateau;
    private readonly double weight;
    private readonly int bufferSize;
    private readonly PetLayout layout;
    private readonly Dictionary<string, float[]> anchors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> importance = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> squared = new(StringComparer.Ordinal);
    private readonly List<(string Label, float[] Pixels)> hard = [];
    private readonly List<(long Position, long Batch)> consolidations = [];
    private readonly float[] firstLosses;
    private float? firstLoss;
    private long steps;
    private bool restored;

    private OnlineLora(MethodSpec spec, MethodHost host)
    {
        plateau = new LossPlateau(spec.Integer("window", 1), spec.Number("mean", 0), spec.Number("variance", 0));
        weight = spec.Number("weight", 0);
        bufferSize = Math.Min(spec.Integer("buffer", 0), host.PlanCapacity - host.Options.BatchSize);
        layout = host.Model.Layout;
        firstLosses = new float[host.PlanCapacity];
        foreach (var tensor in layout.Tensors)
        {
            anchors[tensor.Name] = new float[tensor.ElementCount];
            importance[tensor.Name] = new float[tensor.ElementCount];
            squared[tensor.Name] = new float[tensor.ElementCount];
        }
    }

    /// <summary>The catalog's <c>online-lora</c>: window (losses in the window), mean and variance (plateau thresholds), weight (of the
    /// importance penalty, the official MAS_weight) and buffer (hard-buffer samples); the defaults are the official code's.</summary>
    public static MethodDefinition Definition { get; } = new(
        "online-lora",
        [new("window", "5"), new("mean", "6"), new("variance", "0.1"), new("weight", "2000"), new("buffer", "4")],
        static spec =>
        {
            spec.Integer("window", 1);
            spec.Number("mean", 0);
            spec.Number("variance", 0);
            spec.Number("weight", 0);
            spec.Integer("buffer", 0);
        },
        static (spec, host) => new OnlineLora(spec, host));

    /// <summary>The consolidations so far: the stream position after the batch whose loss window was a plateau, and that batch's number.</summary>
    public IReadOnlyList<(long Position, long Batch)> Consolidations => consolidations;

    /// <summary>The hard buffer: label and pixels of the highest-loss samples of the last batch.</summary>
    public IReadOnlyList<(string Label, float[] Pixels)> HardBuffer => hard;

    /// <summary>The consolidated PET values θ* by tensor name.</summary>
    public IReadOnlyDictionary<string, float[]> Anchors => anchors;

    /// <summary>The importance weights Ω by tensor name (zero before the first consolidation).</summary>
    public IReadOnlyDictionary<string, float[]> Importance => importance;

    /// <summary>The loss-term input that feeds the consolidated values of PET tensor <paramref name="pet"/>.</summary>
    public static string AnchorInput(string pet) => $"online-lora/anchor/{pet}";

    /// <summary>The loss-term input that feeds the importance weights of PET tensor <paramref name="pet"/>.</summary>
    public static string ImportanceInput(string pet) => $"online-lora/importance/{pet}";

    /// <inheritdoc/>
    public override IEnumerable<TrainingLossTerm> LossTerms(LearnerContext context)
    {
        foreach (var tensor in layout.Tensors)
        {
            if (!restored)
            {
                context.Pet[tensor.Name].AsSpan().CopyTo(anchors[tensor.Name]);
            }

            context.TermInputs.Set(AnchorInput(tensor.Name), anchors[tensor.Name], tensor.Shape);
            context.TermInputs.Set(ImportanceInput(tensor.Name), importance[tensor.Name], tensor.Shape);
        }

        return [new ImportancePenalty(weight, layout)];
    }

    /// <inheritdoc/>
    public override void PlanBatch(LearnerContext context, BatchPlan plan)
    {
        firstLoss = null;
        foreach (var (label, pixels) in hard)
        {
            if (plan.Samples.Count < plan.Capacity)
            {
                plan.Add(new PlannedSample(label, pixels, FromStream: false));
            }
        }
    }

    /// <inheritdoc/>
    public override void AfterBackward(LearnerContext context)
    {
        if (context.Iteration == 0)
        {
            context.SampleLosses.Span.CopyTo(firstLosses);
        }

        if (layout.Tensors.Any(t => !float.IsFinite(TensorPrimitives.Sum<float>(context.Gradients[t.Name]))))
        {
            return;
        }

        foreach (var tensor in layout.Tensors)
        {
            var (gradient, value, anchor, omega, sum) = (context.Gradients[tensor.Name], context.Pet[tensor.Name], anchors[tensor.Name], importance[tensor.Name], squared[tensor.Name]);
            for (int i = 0; i < sum.Length; i++)
            {
                float task = gradient[i] - (float)(weight * omega[i] * (value[i] - anchor[i]));
                sum[i] += task * task;
            }
        }

        steps++;
    }

    /// <inheritdoc/>
    public override void AfterStep(LearnerContext context)
    {
        if (context.Iteration == 0 && !context.StepSkipped)
        {
            firstLoss = context.Loss;
        }
    }

    /// <inheritdoc/>
    public override void AfterBatch(LearnerContext context)
    {
        if (firstLoss is not { } loss)
        {
            return;
        }

        KeepHardest(context.Plan!);
        if (plateau.Add(loss))
        {
            Consolidate(context);
        }
    }

    /// <summary>The consolidation count and each one's stream position (<c>position_001</c>, ...), for the protocol to set beside the
    /// true task boundaries.</summary>
    public override IReadOnlyDictionary<string, double>? SummaryMetrics(LearnerContext context)
    {
        var metrics = new Dictionary<string, double> { ["consolidations"] = consolidations.Count };
        for (int i = 0; i < consolidations.Count; i++)
        {
            metrics[FormattableString.Invariant($"position_{i + 1:D3}")] = consolidations[i].Position;
        }

        return metrics;
    }

    /// <inheritdoc/>
    public override PluginState? SaveState(LearnerContext context)
    {
        var json = new JsonObject
        {
            ["window"] = new JsonArray([.. plateau.Window.Select(l => (JsonNode?)l)]),
            ["peak_seen"] = plateau.PeakSeen,
            ["last_mean"] = plateau.LastMean,
            ["last_variance"] = plateau.LastVariance,
            ["steps"] = steps,
            ["positions"] = new JsonArray([.. consolidations.Select(c => (JsonNode?)c.Position)]),
            ["batches"] = new JsonArray([.. consolidations.Select(c => (JsonNode?)c.Batch)]),
            ["hard_labels"] = new JsonArray([.. hard.Select(h => (JsonNode?)h.Label)]),
        };
        var tensors = new List<NamedTensor>();
        foreach (var tensor in layout.Tensors)
        {
            tensors.Add(new NamedTensor("anchor/" + tensor.Name, anchors[tensor.Name], tensor.Shape));
            tensors.Add(new NamedTensor("importance/" + tensor.Name, importance[tensor.Name], tensor.Shape));
            tensors.Add(new NamedTensor("squared/" + tensor.Name, squared[tensor.Name], tensor.Shape));
        }

        if (hard.Count > 0)
        {
            tensors.Add(new NamedTensor("hard", hard.SelectMany(h => h.Pixels).ToArray(), hard.Count, hard[0].Pixels.Length));
        }

        return new PluginState(json, tensors);
    }

    /// <inheritdoc/>
    public override void RestoreState(LearnerContext context, PluginState state)
    {
        string where = context.LastCheckpoint ?? "checkpoint";
        try
        {
            var json = state.Json!.AsObject();
            plateau.Restore(
                json["window"]!.AsArray().Select(l => l!.GetValue<double>()),
                json["peak_seen"]!.GetValue<bool>(),
                json["last_mean"]!.GetValue<double>(),
                json["last_variance"]!.GetValue<double>());
            steps = json["steps"]!.GetValue<long>();
            var positions = json["positions"]!.AsArray().Select(p => p!.GetValue<long>());
            var batches = json["batches"]!.AsArray().Select(b => b!.GetValue<long>());
            consolidations.Clear();
            consolidations.AddRange(positions.Zip(batches));
            var tensors = state.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
            foreach (var tensor in layout.Tensors)
            {
                tensors["anchor/" + tensor.Name].Data.AsSpan().CopyTo(anchors[tensor.Name]);
                tensors["importance/" + tensor.Name].Data.AsSpan().CopyTo(importance[tensor.Name]);
                tensors["squared/" + tensor.Name].Data.AsSpan().CopyTo(squared[tensor.Name]);
            }

            var labels = json["hard_labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToArray();
            hard.Clear();
            if (labels.Length > 0)
            {
                var pixels = tensors["hard"];
                int length = (int)pixels.Shape[1];
                hard.AddRange(labels.Select((label, i) => (label, pixels.Data.AsSpan(i * length, length).ToArray())));
            }

            restored = true;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException or KeyNotFoundException or ArgumentException)
        {
            throw new InvalidDataException($"{where}: the online-lora state is malformed ({e.Message}).", e);
        }
    }

    /// <summary>Keeps the <c>buffer</c> planned samples of highest first-step loss (ties: plan order) as the next hard buffer.</summary>
    private void KeepHardest(BatchPlan plan)
    {
        var kept = Enumerable.Range(0, plan.Samples.Count)
            .OrderByDescending(i => firstLosses[i]).ThenBy(i => i)
            .Take(bufferSize)
            .Select(i => (plan.Samples[i].Label, (float[])plan.Samples[i].Pixels.Clone()))
            .ToList();
        hard.Clear();
        hard.AddRange(kept);
    }

    private void Consolidate(LearnerContext context)
    {
        int n = consolidations.Count + 1;
        foreach (var tensor in layout.Tensors)
        {
            var (omega, sum) = (importance[tensor.Name], squared[tensor.Name]);
            for (int i = 0; i < omega.Length; i++)
            {
                float mean = steps > 0 ? sum[i] / steps : 0;
                omega[i] = (float)((mean / (double)n) + ((1 - (1 / (double)n)) * omega[i]));
            }

            Array.Clear(sum);
            context.Pet[tensor.Name].AsSpan().CopyTo(anchors[tensor.Name]);
        }

        steps = 0;
        consolidations.Add((context.Cursor, context.State.Batches));
        context.AnnounceTaskBoundary();
    }

    /// <summary>weight/2 · Σ over PET tensors of Σ Ω ⊙ (θ − θ*)², with θ* and Ω inputs the plugin feeds.</summary>
    public sealed class ImportancePenalty(double weight, PetLayout layout) : TrainingLossTerm
    {
        /// <inheritdoc/>
        public override string Key => FormattableString.Invariant($"online-lora-penalty{weight:R}");

        /// <inheritdoc/>
        public override string Build(TrainingTermGraph graph)
        {
            ArgumentNullException.ThrowIfNull(graph);
            var g = graph.Graph;
            string? total = null;
            foreach (var tensor in layout.Tensors)
            {
                var dims = tensor.Shape.Select(d => (Dim)d).ToArray();
                string difference = g.Op("Sub", graph.Pet(tensor.Name), graph.Input(AnchorInput(tensor.Name), dims));
                string weighted = g.Op("Mul", graph.Input(ImportanceInput(tensor.Name), dims), g.Op("Mul", difference, difference));
                string sum = g.Op("ReduceSum", [g.Op("Reshape", weighted, graph.Ints(-1)), graph.Ints(0)], Attr.Int("keepdims", 0));
                total = total is null ? sum : g.Op("Add", total, sum);
            }

            return g.Op("Mul", total!, graph.Scalar(weight / 2));
        }
    }
}
