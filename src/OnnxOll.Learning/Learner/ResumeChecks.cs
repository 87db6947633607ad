using System.Text.Json.Nodes;
using OnnxOll.Clip.Pet;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Learning.Learner;

/// <summary>What a checkpoint must hold for a learner to resume from it: every counter, the optimizer state, a consistent stream
/// position, this run's learner settings and scenario, and exactly the PET tensors of its layout.</summary>
public static class ResumeChecks
{
    private static readonly string[] Counters = ["batches", "samples_seen", "task", "skipped_steps", "skipped_samples"];

    /// <summary>A check for <see cref="CheckpointStore.LoadLatest"/>: the first problem of a checkpoint, or null when it can be resumed.</summary>
    public static Func<Checkpoint, string?> For(LearnerOptions options, ScenarioSpec scenario, PetLayout layout)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.ToJson();
        return checkpoint => Problem(checkpoint, settings, scenario.ToString(), layout);
    }

    private static string? Problem(Checkpoint c, JsonObject settings, string scenario, PetLayout layout)
    {
        foreach (string name in Counters)
        {
            if (!c.Counters.ContainsKey(name))
            {
                return $"field 'counters.{name}' is missing";
            }
        }

        if (c.Counters["batches"] != c.Step)
        {
            return $"field 'counters.batches' is {c.Counters["batches"]}, expected the step {c.Step}";
        }

        long consumed = c.Counters["samples_seen"] + c.Counters["skipped_samples"];
        if (c.StreamCursor < consumed)
        {
            return $"field 'stream_cursor' is {c.StreamCursor}, expected at least samples_seen + skipped_samples = {consumed}";
        }

        if (c.Optimizer is null)
        {
            return "field 'optimizer_step' is missing: the AdamW state was not saved";
        }

        if (c.Metrics is not JsonObject metrics || metrics["vocabulary"] is not JsonArray || metrics["records"] is not JsonArray)
        {
            return "field 'metrics' lacks 'vocabulary' or 'records'";
        }

        string? stored = c.RngStates["scenario"] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
        if (stored != scenario)
        {
            return $"field 'rng_states.scenario' is '{stored}', this run's scenario is '{scenario}'";
        }

        foreach (var (key, value) in settings)
        {
            if (!LearnerOptions.ChangeableOnResume.Contains(key) && !JsonNode.DeepEquals(c.LearnerConfig[key], value))
            {
                return $"field 'learner_config.{key}' is {c.LearnerConfig[key]?.ToJsonString() ?? "missing"}, this run's is {value?.ToJsonString()}";
            }
        }

        foreach (var (key, value) in c.LearnerConfig)
        {
            if (!settings.ContainsKey(key) && !LearnerOptions.ChangeableOnResume.Contains(key))
            {
                return $"field 'learner_config.{key}' is {value?.ToJsonString() ?? "null"}, this run does not set it";
            }
        }

        if (settings.ContainsKey("prototype_weight") && c.State?.Any(t => t.Name == PrototypeMemory.SumName) != true)
        {
            return $"state tensor '{PrototypeMemory.SumName}' is missing; this run mixes prototype logits";
        }

        if (settings.ContainsKey("text_offset_lr") && c.State?.Any(t => t.Name == TextOffsets.ValuesName) != true)
        {
            return $"state tensor '{TextOffsets.ValuesName}' is missing; this run learns text offsets";
        }

        var tensors = c.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var info in layout.Tensors)
        {
            if (!tensors.Remove(info.Name, out var t) || !t.Shape.SequenceEqual(info.Shape))
            {
                return $"PET tensor '{info.Name}' is missing or not of shape [{string.Join(", ", info.Shape)}]";
            }
        }

        return tensors.Count > 0 ? $"tensor '{tensors.Keys.First()}' is not a PET tensor of spec '{layout.Spec}'" : null;
    }
}
