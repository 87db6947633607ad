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
    /// <exception cref="InvalidDataException">Another PEFT type, a field OnnxOll cannot honour (<see cref="PeftConfigFields"/>) or a combination PEFT
    /// itself refuses; the message names the file and field.</exception>
    public static (int Rank, double Alpha, bool AllLayers) Read(JsonObject config, string path)
    {
        string type = JsonFields.Required<string>(config, "peft_type", path);
        if (type != "LORA")
        {
            throw new InvalidDataException($"{path}: field 'peft_type' is '{type}'; OnnxOll reads LORA adapters.");
        }

        PeftConfigFields.Check(config, path);
        PeftTargetMatch.CheckConfig(config, path);
        int rank = JsonFields.Required<int>(config, "r", path);
        double alpha = JsonFields.Optional(config, "lora_alpha", path, PeftDefaultAlpha);
        if (JsonFields.Optional(config, "use_rslora", path, false))
        {
            alpha *= Math.Sqrt(rank); // rsLoRA scales by alpha/sqrt(r); OnnxOll's scale is alpha/r.
        }

        // A list of last names without layers_to_transform or exclude_modules adapts every layer; otherwise the layers come from the keys.
        bool bySuffix = (config["target_modules"] as JsonArray)?.All(t => !t!.GetValue<string>().Contains(".layers.", StringComparison.Ordinal)) == true;
        return (rank, alpha, bySuffix && config["layers_to_transform"] is null && config["exclude_modules"] is null or JsonArray { Count: 0 });
    }

    /// <summary>Refuses a config that disagrees with the weights file: a tensor of a module PEFT would not adapt (<see cref="PeftTargetMatch"/>:
    /// outside <c>target_modules</c> or <c>layers_to_transform</c>, or in <c>exclude_modules</c>), a lora_A whose rows are not <c>r</c>, or an
    /// OnnxOll spec (from the weights' metadata) of another r or alpha.</summary>
    public static void CheckAgainst(JsonObject config, string path, (int Rank, double Alpha) read, IEnumerable<(string Module, long Rows)> modules, PetSpec? stored, string weightsPath)
    {
        foreach (var (module, rows) in modules)
        {
            if (rows != read.Rank)
            {
                throw new InvalidDataException($"{path}: field 'r' is {read.Rank}, but {weightsPath} holds a lora_A of {rows} rows for '{module}'.");
            }

            if (PeftTargetMatch.WhyNot(config, module, path) is { } why)
            {
                throw new InvalidDataException($"{path}: {why}, so PEFT creates no LoRA for module '{module}', but {weightsPath} holds tensor "
                    + $"'{PeftModuleNames.LoraKey(module, 'A')}'.");
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
}
