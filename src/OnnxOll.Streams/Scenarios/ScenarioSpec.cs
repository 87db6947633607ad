using System.Globalization;

namespace OnnxOll.Streams.Scenarios;

/// <summary>A parsed scenario spec such as <c>iid</c>, <c>iid:epochs=3</c>, <c>disjoint:tasks=5</c> or <c>si-blurry:n=50,m=10,tasks=5,seed=1</c>.</summary>
public sealed record ScenarioSpec(ScenarioKind Kind, int Tasks, int DisjointPercent, int BlurryPercent, int Seed)
{
    /// <summary>How many times an i.i.d. stream brings each sample (above 1: offline joint training on the whole stream).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Default seed when the spec gives none.</summary>
    public const int DefaultSeed = 1;

    /// <summary>Parses a spec; errors name the spec and the field. Defaults: iid 1 task, disjoint 5 tasks, si-blurry n=50 m=10 5 tasks.</summary>
    public static ScenarioSpec Parse(string spec)
    {
        var p = SpecParameters.Parse(spec, "Scenario");
        if (p.Positional is not null)
        {
            throw new FormatException($"Scenario spec '{spec}': unexpected value '{p.Positional}'; use key=value fields.");
        }

        int seed = p.GetInt("seed", DefaultSeed, int.MinValue, int.MaxValue);
        ScenarioSpec result = p.Kind switch
        {
            "iid" => new ScenarioSpec(ScenarioKind.Iid, p.GetInt("tasks", 1, 1, 100_000), 0, 0, seed) { Epochs = p.GetInt("epochs", 1, 1, 1000) },
            "disjoint" => new ScenarioSpec(ScenarioKind.Disjoint, p.GetInt("tasks", 5, 1, 100_000), 100, 0, seed),
            "si-blurry" => new ScenarioSpec(
                ScenarioKind.SiBlurry, p.GetInt("tasks", 5, 1, 100_000), p.GetInt("n", 50, 0, 100), p.GetInt("m", 10, 0, 100), seed),
            _ => throw new FormatException($"Scenario spec '{spec}': unknown kind '{p.Kind}' (expected iid, disjoint or si-blurry)."),
        };
        p.RejectUnknown();
        return result;
    }

    /// <summary>Orders the samples whose labels are given (label of sample i at position i).</summary>
    public Scenario Build(IReadOnlyList<string> labels) => Kind switch
    {
        ScenarioKind.Iid => IidScenario.Build(labels, Tasks, Seed, Epochs),
        ScenarioKind.Disjoint => DisjointScenario.Build(labels, Tasks, Seed),
        _ => SiBlurryScenario.Build(labels, DisjointPercent, BlurryPercent, Tasks, Seed),
    };

    /// <summary>The canonical spec string, parseable by <see cref="Parse"/>.</summary>
    public override string ToString() => Kind switch
    {
        ScenarioKind.Iid => string.Create(CultureInfo.InvariantCulture, $"iid:tasks={Tasks},seed={Seed}{(Epochs > 1 ? $",epochs={Epochs}" : "")}"),
        ScenarioKind.Disjoint => string.Create(CultureInfo.InvariantCulture, $"disjoint:tasks={Tasks},seed={Seed}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"si-blurry:n={DisjointPercent},m={BlurryPercent},tasks={Tasks},seed={Seed}"),
    };
}
