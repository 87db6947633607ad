using System.Text.Json.Nodes;
using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Deploy.Peft;

/// <summary>PEFT's <c>adapter_config.json</c> for a LoRA: written from OnnxOll's LoRA methods, read back as rank, alpha and layer coverage.</summary>
internal static class PeftLoraConfig
{
    // LoraConfig's default lora_alpha, used when a config leaves the field out.
    private const double PeftDefaultAlpha = 8;

    /// <summary>The config of <paramref name="lora"/> (one r and alpha) adapting <paramref name="modules"/>.</summary>
    public static JsonObject Create(IReadOnlyList<LoraSpec> lora, IReadOnlyList<string> modules, string? baseModel)
    {
        // One method on both towers names its targets by their last name (q_proj, fc1: PEFT matches them in every tower) plus
        // layers_to_transform; anything else lists full module names.
        bool bySuffix = lora.Count == 1 && lora[0].Towers == PetTowers.Both;
        var layers = bySuffix ? lora[0].Layers.Layers : null;
        var targets = bySuffix ? modules.Select(m => m.Split('.')[^1]).Distinct().Order(StringComparer.Ordinal) : modules.Order(StringComparer.Ordinal);
        return new JsonObject
        {
            ["alpha_pattern"] = new JsonObject(),
            ["auto_mapping"] = null,
            ["base_model_name_or_path"] = baseModel,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_pattern"] = layers is null ? null : "layers",
            ["layers_to_transform"] = layers is null ? null : new JsonArray(layers.Select(l => (JsonNode?)l).ToArray()),
            ["lora_alpha"] = lora[0].Alpha,
            ["lora_dropout"] = 0.0,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = lora[0].Rank,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = null,
            ["target_modules"] = new JsonArray(targets.Select(t => (JsonNode?)t).ToArray()),
            ["task_type"] = null,
            ["use_dora"] = false,
            ["use_rslora"] = false,
        };
    }

    /// <summary>Rank, OnnxOll's alpha (scale alpha/r) and whether PEFT adapts every layer of the named modules.</summary>
    /// <exception cref="InvalidDataException">Another PEFT type or an option OnnxOll cannot honour; the message names the file and field.</exception>
    public static (int Rank, double Alpha, bool AllLayers) Read(JsonObject config, string path)
    {
        string type = JsonFields.Required<string>(config, "peft_type", path);
        if (type != "LORA")
        {
            throw new InvalidDataException($"{path}: field 'peft_type' is '{type}'; OnnxOll reads LORA adapters.");
        }

        Refuse(config, path, "use_dora", n => JsonFields.Value<bool>(n, "use_dora", path), "DoRA is not supported");
        Refuse(config, path, "fan_in_fan_out", n => JsonFields.Value<bool>(n, "fan_in_fan_out", path), "only [out, in] linear weights are supported");
        Refuse(config, path, "bias", n => JsonFields.Value<string>(n, "bias", path) != "none", "trained biases are not supported");
        Refuse(config, path, "modules_to_save", n => n is JsonArray { Count: > 0 }, "fully trained modules are not supported");
        Refuse(config, path, "rank_pattern", n => n is JsonObject { Count: > 0 }, "per-module ranks are not supported");
        Refuse(config, path, "alpha_pattern", n => n is JsonObject { Count: > 0 }, "per-module alphas are not supported");
        int rank = JsonFields.Required<int>(config, "r", path);
        double alpha = JsonFields.Optional(config, "lora_alpha", path, PeftDefaultAlpha);
        if (JsonFields.Optional(config, "use_rslora", path, false))
        {
            alpha *= Math.Sqrt(rank); // rsLoRA scales by alpha/sqrt(r); OnnxOll's scale is alpha/r.
        }

        if (config["target_modules"] is { } targets && !IsNames(targets))
        {
            throw new InvalidDataException($"{path}: field 'target_modules' is {targets.ToJsonString()}; expected a module name or a list of names.");
        }

        // A list of last names without layers_to_transform adapts every layer; a regex (a string) may pick any layers, so they come from the keys.
        bool bySuffix = (config["target_modules"] as JsonArray)?.All(t => !t!.GetValue<string>().Contains(".layers.", StringComparison.Ordinal)) == true;
        return (rank, alpha, bySuffix && config["layers_to_transform"] is null);
    }

    /// <summary>Refuses a config that disagrees with the weights file: a module outside <c>target_modules</c> (PEFT's matching: a
    /// list names a module or its last parts, a string is a full-match regex), a lora_A whose rows are not <c>r</c>, or an
    /// OnnxOll spec (from the weights' metadata) of another r or alpha.</summary>
    public static void CheckAgainst(JsonObject config, string path, (int Rank, double Alpha) read, IEnumerable<(string Module, long Rows)> modules, PetSpec? stored, string weightsPath)
    {
        var targets = config["target_modules"];
        foreach (var (module, rows) in modules)
        {
            if (rows != read.Rank)
            {
                throw new InvalidDataException($"{path}: field 'r' is {read.Rank}, but {weightsPath} holds a lora_A of {rows} rows for '{module}'.");
            }

            if (targets is not null && !Names(targets, module, path))
            {
                throw new InvalidDataException($"{path}: field 'target_modules' is {targets.ToJsonString()}, which does not name module '{module}' of {weightsPath}.");
            }
        }

        foreach (var lora in stored?.Lora ?? [])
        {
            if (lora.Rank != read.Rank || Math.Abs(lora.Alpha - read.Alpha) > 1e-9 * Math.Max(1, Math.Abs(lora.Alpha)))
            {
                throw new InvalidDataException($"{path}: fields 'r' {read.Rank} and 'lora_alpha' {read.Alpha:R} disagree with the spec '{stored}' of {weightsPath}.");
            }
        }
    }

    private static bool Names(JsonNode targets, string module, string path)
    {
        if (targets is JsonArray list)
        {
            return list.Any(t => t!.GetValue<string>() is { } name && (module == name || module.EndsWith("." + name, StringComparison.Ordinal)));
        }

        try
        {
            return System.Text.RegularExpressions.Regex.IsMatch(module, $"^(?:{targets.GetValue<string>()})$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: field 'target_modules' is not a valid regular expression ({e.Message}).", e);
        }
    }

    private static bool IsNames(JsonNode node) =>
        node is JsonValue v ? v.GetValueKind() == System.Text.Json.JsonValueKind.String
            : node is JsonArray a && a.All(t => t?.GetValueKind() == System.Text.Json.JsonValueKind.String);

    private static void Refuse(JsonObject config, string path, string field, Func<JsonNode, bool> bad, string why)
    {
        if (config[field] is { } node && bad(node))
        {
            throw new InvalidDataException($"{path}: field '{field}' is {node.ToJsonString()}; {why}.");
        }
    }
}
