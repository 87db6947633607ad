using System.Text.Json.Nodes;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Learning.Metrics;

/// <summary>Converts <see cref="StepRecord"/> to and from its line of metrics.jsonl, told apart from evaluations by <c>"kind":"step"</c>.</summary>
public static class StepRecordJson
{
    /// <summary>The value of a step line's <c>kind</c> field.</summary>
    public const string Kind = "step";

    /// <summary>The JSON object: kind, batch, samples_seen, task, loss, grad_norm, lr, classes, and stream_accuracy when measured.</summary>
    public static JsonObject ToJson(StepRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var json = new JsonObject
        {
            ["kind"] = Kind,
            ["batch"] = record.Batch,
            ["samples_seen"] = record.SamplesSeen,
            ["task"] = record.Task,
            ["loss"] = record.Loss,
            ["grad_norm"] = record.GradNorm,
            ["lr"] = record.LearningRate,
            ["classes"] = record.Classes,
        };
        if (record.StreamAccuracy is { } accuracy)
        {
            json["stream_accuracy"] = accuracy;
        }

        return json;
    }

    /// <summary>Whether <paramref name="line"/> is a step line (its kind is "step").</summary>
    public static bool IsStep(JsonObject line) =>
        line["kind"] is JsonValue kind && kind.TryGetValue(out string? name) && name == Kind;

    /// <summary>Parses an object written by <see cref="ToJson"/>; <paramref name="where"/> names it in errors.</summary>
    public static StepRecord FromJson(JsonObject line, string where) => new(
        JsonFields.Required<long>(line, "batch", where),
        JsonFields.Required<long>(line, "samples_seen", where),
        JsonFields.Required<int>(line, "task", where),
        JsonFields.Required<float>(line, "loss", where),
        JsonFields.Required<float>(line, "grad_norm", where),
        JsonFields.Required<float>(line, "lr", where),
        JsonFields.Required<int>(line, "classes", where),
        line["stream_accuracy"] is null ? null : JsonFields.Required<double>(line, "stream_accuracy", where));
}
