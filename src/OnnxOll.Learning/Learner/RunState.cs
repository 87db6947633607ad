using OnnxOll.Inference;
using System.Text.Json.Nodes;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner;

/// <summary>The learner's resumable bookkeeping besides tensors: counters, vocabulary and evaluation records.</summary>
public sealed class RunState
{
    /// <summary>Stream batches trained on.</summary>
    public long Batches { get; set; }

    /// <summary>Stream samples trained on (also the stream cursor).</summary>
    public long SamplesSeen { get; set; }

    /// <summary>Task of the last batch (-1 before the first).</summary>
    public int Task { get; set; } = -1;

    /// <summary>Steps skipped because the loss or a gradient was not finite.</summary>
    public int SkippedSteps { get; set; }

    /// <summary>Samples skipped because they could not be decoded.</summary>
    public int SkippedSamples { get; set; }

    /// <summary>Class names in order of first appearance.</summary>
    public ClassVocabulary Vocabulary { get; } = new();

    /// <summary>Every evaluation so far.</summary>
    public List<EvaluationRecord> Records { get; } = [];

    /// <summary>Zero-shot accuracy on held-out classes before learning, when measured.</summary>
    public double? ZeroShotBefore { get; set; }

    /// <summary>Counters for a checkpoint.</summary>
    public IReadOnlyDictionary<string, long> Counters() => new Dictionary<string, long>
    {
        ["batches"] = Batches,
        ["samples_seen"] = SamplesSeen,
        ["task"] = Task,
        ["skipped_steps"] = SkippedSteps,
        ["skipped_samples"] = SkippedSamples,
    };

    /// <summary>Vocabulary, records and zero-shot baseline as JSON for a checkpoint.</summary>
    public JsonObject MetricsJson() => new()
    {
        ["vocabulary"] = new JsonArray(Vocabulary.Names.Select(n => (JsonNode?)n).ToArray()),
        ["records"] = new JsonArray(Records.Select(r => (JsonNode?)EvaluationRecordJson.ToJson(r)).ToArray()),
        ["zero_shot_before"] = ZeroShotBefore,
    };

    /// <summary>Restores the state saved by <see cref="Counters"/> and <see cref="MetricsJson"/>.</summary>
    public void Restore(IReadOnlyDictionary<string, long> counters, JsonNode? metrics, string where)
    {
        Batches = counters["batches"];
        SamplesSeen = counters["samples_seen"];
        Task = (int)counters["task"];
        SkippedSteps = (int)counters["skipped_steps"];
        SkippedSamples = (int)counters["skipped_samples"];
        if (metrics is not JsonObject m || m["vocabulary"] is not JsonArray vocabulary || m["records"] is not JsonArray records)
        {
            throw new InvalidDataException($"{where}: field 'metrics' lacks 'vocabulary' or 'records'.");
        }

        foreach (var name in vocabulary)
        {
            Vocabulary.GetOrAdd(name!.GetValue<string>());
        }

        Records.AddRange(records.Select(r => EvaluationRecordJson.FromJson(r, where)));
        ZeroShotBefore = m["zero_shot_before"]?.GetValue<double>();
    }
}
