using System.Globalization;
using System.Text.Json.Nodes;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Onnx.Graph;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>A method written as one plugin: reservoir replay into each batch plan, an L2 pull of the PET tensors toward the values they
/// held at the last boundary (a loss term built as an ONNX subgraph), a boundary announced every few batches (task-free consolidation),
/// and all of its state checkpointed.</summary>
internal sealed class ReplayAnchorPlugin(int capacity, int replay, int boundaryEvery, double pullWeight, ulong seed) : LearnerPlugin
{
    private readonly List<(string Label, float[] Pixels)> buffer = [];
    private readonly Dictionary<string, float[]> anchors = new(StringComparer.Ordinal);
    private ulong random = seed;
    private long offered;

    /// <summary>Announced boundaries crossed.</summary>
    public int Consolidations { get; private set; }

    /// <summary>Samples replayed into batch plans.</summary>
    public int Replayed { get; private set; }

    /// <summary>The replay buffer's labels and pixels.</summary>
    public IReadOnlyList<(string Label, float[] Pixels)> Buffer => buffer;

    /// <summary>The anchor values by PET tensor name.</summary>
    public IReadOnlyDictionary<string, float[]> Anchors => anchors;

    public static string AnchorInput(string pet) => $"anchor/{pet}";

    public override IEnumerable<TrainingLossTerm> LossTerms(LearnerContext context)
    {
        var layout = context.Model.Layout;
        foreach (var tensor in layout.Tensors)
        {
            if (!anchors.ContainsKey(tensor.Name))
            {
                anchors[tensor.Name] = (float[])context.Pet[tensor.Name].Clone();
            }

            context.TermInputs.Set(AnchorInput(tensor.Name), anchors[tensor.Name], tensor.Shape);
        }

        return [new AnchorPull(pullWeight, layout)];
    }

    public override void PlanBatch(LearnerContext context, BatchPlan plan)
    {
        var fresh = plan.Samples.ToArray();
        for (int i = 0; i < replay && buffer.Count > 0 && plan.Samples.Count < plan.Capacity; i++)
        {
            var (label, pixels) = buffer[Next(buffer.Count)];
            plan.Add(new PlannedSample(label, pixels, FromStream: false));
            Replayed++;
        }

        foreach (var sample in fresh)
        {
            offered++;
            var entry = (sample.Label, (float[])sample.Pixels.Clone());
            if (buffer.Count < capacity)
            {
                buffer.Add(entry);
            }
            else if (Next((int)Math.Min(offered, int.MaxValue)) is var slot && slot < capacity)
            {
                buffer[slot] = entry;
            }
        }
    }

    public override void AfterBatch(LearnerContext context)
    {
        if (context.State.Batches % boundaryEvery == 0)
        {
            context.AnnounceTaskBoundary();
        }
    }

    public override void BeforeTask(LearnerContext context)
    {
        if (context.Boundary is { Announced: true })
        {
            foreach (var (name, anchor) in anchors)
            {
                context.Pet[name].AsSpan().CopyTo(anchor);
            }

            Consolidations++;
        }
    }

    public override PluginState? SaveState(LearnerContext context)
    {
        var json = new JsonObject
        {
            ["random"] = random.ToString(CultureInfo.InvariantCulture),
            ["offered"] = offered,
            ["consolidations"] = Consolidations,
            ["replayed"] = Replayed,
            ["labels"] = new JsonArray(buffer.Select(b => (JsonNode?)b.Label).ToArray()),
        };
        var tensors = anchors.Select(a => new NamedTensor("anchor/" + a.Key, a.Value, a.Value.Length)).ToList();
        if (buffer.Count > 0)
        {
            tensors.Add(new NamedTensor("buffer", buffer.SelectMany(b => b.Pixels).ToArray(), buffer.Count, buffer[0].Pixels.Length));
        }

        return new PluginState(json, tensors);
    }

    public override void RestoreState(LearnerContext context, PluginState state)
    {
        var json = state.Json!.AsObject();
        random = ulong.Parse(json["random"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        offered = json["offered"]!.GetValue<long>();
        Consolidations = json["consolidations"]!.GetValue<int>();
        Replayed = json["replayed"]!.GetValue<int>();
        var labels = json["labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToArray();
        buffer.Clear();
        if (state.Tensors.SingleOrDefault(t => t.Name == "buffer") is { } pixels)
        {
            int length = (int)pixels.Shape[1];
            buffer.AddRange(labels.Select((label, i) => (label, pixels.Data.AsSpan(i * length, length).ToArray())));
        }

        foreach (var tensor in state.Tensors.Where(t => t.Name.StartsWith("anchor/", StringComparison.Ordinal)))
        {
            anchors[tensor.Name["anchor/".Length..]] = tensor.Data;
        }
    }

    // SplitMix64: a seedable generator whose whole state is one number, so it checkpoints exactly.
    private int Next(int bound)
    {
        ulong z = random += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) % (ulong)bound);
    }

    /// <summary>weight · Σ over PET tensors of ‖tensor − anchor‖², with each anchor an input the plugin feeds.</summary>
    internal sealed class AnchorPull(double weight, PetLayout layout) : TrainingLossTerm
    {
        public override string Key => FormattableString.Invariant($"anchor-pull{weight:R}");

        public override string Build(TrainingTermGraph graph)
        {
            var g = graph.Graph;
            string? total = null;
            foreach (var tensor in layout.Tensors)
            {
                string difference = g.Op("Sub", graph.Pet(tensor.Name), graph.Input(AnchorInput(tensor.Name), tensor.Shape.Select(d => (Dim)d).ToArray()));
                string flat = g.Op("Reshape", g.Op("Mul", difference, difference), graph.Ints(-1));
                string sum = g.Op("ReduceSum", [flat, graph.Ints(0)], Attr.Int("keepdims", 0));
                total = total is null ? sum : g.Op("Add", total, sum);
            }

            return g.Op("Mul", total!, graph.Scalar(weight));
        }
    }
}
