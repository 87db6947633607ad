using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary><c>--method moe</c>: MoE-Adapters (Yu et al., CVPR 2024), E bottleneck adapter experts per block beside the MLP and a top-k
/// router on the block's token mean (or class token), learned end to end through the gating.</summary>
/// <remarks>The experts and routers are PET tensors (<see cref="MoeSpec"/>, added to the model's PET spec by
/// <see cref="MethodCatalog.WithPet"/>), so the optimizer, the checkpoint and a resume handle them as any PET tensor; the plugin
/// reports their size. Differences from the official code: one router for the whole stream (the official code keeps one per
/// task and picks it with DDAS at test time), no noisy gating (its router starts random instead of at zero), the router reads the
/// token mean by default (the official code: the class token; on the tiny test model, learning four colours, class-token routing stayed
/// at chance, 25 %, token-mean routing reached 95 %), and every expert runs densely with zero gates for the unselected ones.</remarks>
public sealed class MoeAdapters : LearnerPlugin
{
    private const string PluginName = "moe";

    private readonly MoeSpec spec;
    private readonly int layers;
    private readonly long parameters;

    private MoeAdapters(MoeSpec spec, PetLayout layout)
    {
        var tensors = layout.Tensors.Where(t => t.Name.Contains(".moe.", StringComparison.Ordinal)).ToArray();
        this.spec = spec;
        layers = tensors.Length / 5;
        parameters = tensors.Sum(t => t.ElementCount);
    }

    /// <summary>The catalog entry: <c>moe:experts=4,topk=2,bottleneck=64,scale=0.1,dropout=0.1,route=mean,towers=image,layers=all</c>
    /// (<c>layers</c> as <c>all</c>, <c>a-b</c> or indices and ranges joined with <c>+</c>).</summary>
    public static MethodDefinition Definition { get; } = new(
        PluginName,
        [new("experts", "4"), new("topk", "2"), new("bottleneck", "64"), new("scale", "0.1"), new("dropout", "0.1"), new("route", "mean"),
            new("towers", "image"), new("layers", "all")],
        static spec => SpecOf(spec),
        static (spec, host) => Create(SpecOf(spec), host.Model.Layout))
    {
        Pet = SpecOf,
    };

    /// <inheritdoc/>
    public override string Name => PluginName;

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double>? SummaryMetrics(LearnerContext context) => new Dictionary<string, double>
    {
        ["experts"] = spec.Experts,
        ["topk"] = spec.TopK,
        ["layers"] = layers,
        ["parameters"] = parameters,
    };

    private static MoeAdapters Create(MoeSpec spec, PetLayout layout) =>
        layout.Spec.Moes.Contains(spec) ? new MoeAdapters(spec, layout)
            : throw new ArgumentException($"--method moe: the model's PET spec '{layout.Spec}' lacks '{spec}'; open the model with MethodCatalog.WithPet.");

    private static MoeSpec SpecOf(MethodSpec spec)
    {
        int experts = spec.Integer("experts", 1);
        int topK = spec.Integer("topk", 1);
        if (topK > experts)
        {
            throw new ArgumentException($"--method moe: topk={topK} is more than experts={experts}.");
        }

        try
        {
            return new MoeSpec
            {
                Experts = experts,
                TopK = topK,
                Dim = spec.Integer("bottleneck", 1),
                Scale = spec.Number("scale", 0),
                Dropout = spec.Number("dropout", 0) < 1 ? spec.Number("dropout", 0) : throw new ArgumentException($"--method moe: dropout={spec.Text("dropout")} is not below 1."),
                RouteClassToken = spec.Choice("route", "cls", "mean") == "cls",
                Towers = spec.Choice("towers", "image", "text", "both") switch { "image" => PetTowers.Image, "text" => PetTowers.Text, _ => PetTowers.Both },
                Layers = LayerSelection.Parse(spec.Text("layers").Replace('+', ',')),
            };
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"--method moe: {e.Message}", e);
        }
    }
}
