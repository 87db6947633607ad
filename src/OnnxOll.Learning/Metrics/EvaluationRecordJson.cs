using System.Text.Json.Nodes;

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

        try
        {
            string kind = o["kind"]?.GetValue<string>() ?? throw new InvalidDataException($"{where}: field 'kind' is missing.");
            var perClass = (o["per_class"] as JsonObject ?? throw new InvalidDataException($"{where}: field 'per_class' is missing."))
                .ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>(), StringComparer.Ordinal);
            return new EvaluationRecord(
                Required(o, "samples_seen", where).GetValue<long>(),
                Required(o, "task", where).GetValue<int>(),
                ParseKind(kind, where),
                Required(o, "accuracy", where).GetValue<double>(),
                perClass);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or NullReferenceException)
        {
            throw new InvalidDataException($"{where}: {ex.Message}", ex);
        }
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

    private static JsonNode Required(JsonObject o, string field, string where) =>
        o[field] ?? throw new InvalidDataException($"{where}: field '{field}' is missing.");
}
