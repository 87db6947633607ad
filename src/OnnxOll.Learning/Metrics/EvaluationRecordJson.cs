using System.Text.Json.Nodes;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Learning.Metrics;

/// <summary>Converts <see cref="EvaluationRecord"/> to and from the JSON object written as one line of metrics.jsonl.</summary>
public static class EvaluationRecordJson
{
    /// <summary>The JSON object: samples_seen, task, kind (anytime/task_end/final), accuracy, per_class.</summary>
    public static JsonObject ToJson(EvaluationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var perClass = new JsonObject();
        foreach (var (cls, acc) in record.PerClassAccuracy.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            perClass[cls] = acc;
        }

        return new JsonObject
        {
            ["samples_seen"] = record.SamplesSeen,
            ["task"] = record.Task,
            ["kind"] = KindName(record.Kind),
            ["accuracy"] = record.Accuracy,
            ["per_class"] = perClass,
        };
    }

    /// <summary>Parses an object written by <see cref="ToJson"/>; <paramref name="where"/> names it in errors.</summary>
    public static EvaluationRecord FromJson(JsonNode? node, string where)
    {
        if (node is not JsonObject o)
        {
            throw new InvalidDataException($"{where}: expected a JSON object.");
        }

        string kind = JsonFields.Required<string>(o, "kind", where);
        var perClass = (o["per_class"] as JsonObject ?? throw new InvalidDataException($"{where}: field 'per_class' is {JsonFields.Describe(o["per_class"])}, expected an object."))
            .ToDictionary(
                kv => kv.Key,
                kv => JsonFields.Value<double>(kv.Value ?? throw new InvalidDataException($"{where}: field 'per_class.{kv.Key}' is null, expected a number."), $"per_class.{kv.Key}", where),
                StringComparer.Ordinal);
        return new EvaluationRecord(
            JsonFields.Required<long>(o, "samples_seen", where),
            JsonFields.Required<int>(o, "task", where),
            ParseKind(kind, where),
            JsonFields.Required<double>(o, "accuracy", where),
            perClass);
    }

    /// <summary>The JSON spelling of a kind: anytime, task_end or final.</summary>
    public static string KindName(EvaluationKind kind) => kind switch
    {
        EvaluationKind.Anytime => "anytime",
        EvaluationKind.TaskEnd => "task_end",
        _ => "final",
    };

    private static EvaluationKind ParseKind(string kind, string where) => kind switch
    {
        "anytime" => EvaluationKind.Anytime,
        "task_end" => EvaluationKind.TaskEnd,
        "final" => EvaluationKind.Final,
        _ => throw new InvalidDataException($"{where}: field 'kind' is '{kind}', expected anytime, task_end or final."),
    };
}
