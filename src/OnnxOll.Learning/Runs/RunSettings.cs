using System.Text.Json.Nodes;
using OnnxOll.Learning.Learner;

namespace OnnxOll.Learning.Runs;

/// <summary>What defines a run (fixed for its lifetime) and the settings a resume may change (recorded when it does).</summary>
/// <param name="Fixed">Model hash, PET spec, data spec, scenario, batch, iterations, loss, optimizer settings, seed, prompts, ...</param>
/// <param name="Changeable">Evaluation and checkpoint cadence and the like: they change what is measured or kept, not what is learned.</param>
public sealed record RunSettings(JsonObject Fixed, JsonObject Changeable)
{
    /// <summary>The base model's folder, recorded in a new run's <c>run.json</c> as <c>model</c> to name it in messages (its hash is the identity).</summary>
    public string? ModelDirectory { get; init; }

    /// <summary>The settings of a learning run.</summary>
    /// <param name="modelHash">The base model's hash.</param>
    /// <param name="petSpec">The PET spec.</param>
    /// <param name="dataSpec">The data spec as given.</param>
    /// <param name="scenario">The scenario spec.</param>
    /// <param name="options">The learner's settings.</param>
    /// <param name="frozen">How the frozen backbone is held (float32, int8): it changes what is learned.</param>
    public static RunSettings Create(string modelHash, string petSpec, string dataSpec, string scenario, LearnerOptions options, string frozen = "float32")
    {
        ArgumentNullException.ThrowIfNull(options);
        var learner = options.ToJson();
        var fixedSettings = new JsonObject
        {
            ["model_hash"] = modelHash,
            ["pet_spec"] = petSpec,
            ["data"] = dataSpec,
            ["scenario"] = scenario,
            ["frozen"] = frozen,
        };
        var changeable = new JsonObject
        {
            ["keep"] = options.KeepCheckpoints,
            ["strict"] = options.Strict,
        };
        foreach (var (key, value) in learner)
        {
            (LearnerOptions.ChangeableOnResume.Contains(key) ? changeable : fixedSettings)[key] = value?.DeepClone();
        }

        return new RunSettings(fixedSettings, changeable);
    }

    /// <summary>Each fixed setting that differs from <paramref name="stored"/>, as <c>name: run has X, given Y</c>.</summary>
    public IReadOnlyList<string> FixedDifferences(JsonObject stored) => Differences(stored, Fixed).Select(d => $"{d.Key}: run has {d.Was}, given {d.Now}").ToList();

    /// <summary>The changeable settings that differ from <paramref name="stored"/>, as JSON <c>{name: {from, to}}</c>.</summary>
    public JsonObject ChangedSettings(JsonObject stored)
    {
        var changes = new JsonObject();
        foreach (var (key, _, _) in Differences(stored, Changeable))
        {
            changes[key] = new JsonObject { ["from"] = stored[key]?.DeepClone(), ["to"] = Changeable[key]?.DeepClone() };
        }

        return changes;
    }

    private static IEnumerable<(string Key, string Was, string Now)> Differences(JsonObject stored, JsonObject given)
    {
        foreach (string key in stored.Select(kv => kv.Key).Union(given.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
        {
            string was = Text(stored[key]);
            string now = Text(given[key]);
            if (!string.Equals(was, now, StringComparison.Ordinal))
            {
                yield return (key, was, now);
            }
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "(none)",
        JsonValue v when v.TryGetValue(out string? s) => s,
        _ => node.ToJsonString(),
    };
}
