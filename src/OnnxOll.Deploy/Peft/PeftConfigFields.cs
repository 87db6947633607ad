using System.Text.Json;
using System.Text.Json.Nodes;
using OnnxOll.Onnx.Json;

namespace OnnxOll.Deploy.Peft;

/// <summary>What OnnxOll does with each field of PEFT's <c>LoraConfig</c> (PEFT's <c>src/peft/tuners/lora/config.py</c> and <c>PeftConfig</c>):
/// honoured, refused when set (PEFT would compute something else than W + s·B·A from the folder alone), or ignored (no effect on inference).</summary>
/// <remarks>The README's table of adapter_config.json fields lists these rows; a test keeps the two equal.</remarks>
public static class PeftConfigFields
{
    // init_lora_weights values after which PEFT changes the base weights (PiSSA, CorDA, OLoRA and LoRA-GA subtract the initial B·A from W,
    // LoftQ replaces W by its quantization): the saved A and B then hold only part of the update. Every other value leaves W as it is.
    private static readonly string[] HonouredInits = ["gaussian", "eva", "orthogonal", "mica"];

    /// <summary>Every field, in the order of PEFT's dataclasses.</summary>
    public static IReadOnlyList<PeftConfigField> All { get; } =
    [
        Honoured("peft_type", "must be `LORA`"),
        Ignored("task_type", "names the task head PEFT wraps; OnnxOll adapts the CLIP towers alone"),
        Ignored("auto_mapping", "the Python class PEFT builds; no effect on the weights"),
        Ignored("peft_version", "the PEFT version that wrote the folder"),
        Honoured("base_model_name_or_path", "named when the adapter is used with another model (the model hash decides)"),
        Ignored("revision", "the hub revision of the base model; OnnxOll reads local folders"),
        Ignored("inference_mode", "whether PEFT trains the adapter further; OnnxOll decides that by command"),
        Honoured("r", "the rank; every `lora_A` must have `r` rows"),
        Honoured("target_modules", "required (PEFT has no default for CLIP); a list names a module or its last parts, a string is a full-match regex, `all-linear` every linear; a tensor of a module it does not name is refused"),
        Honoured("exclude_modules", "a list (name or last parts) or a full-match regex; a tensor of an excluded module is refused (PEFT never creates it)"),
        Honoured("lora_alpha", "scale `lora_alpha / r` (8 when absent)"),
        Ignored("lora_dropout", "acts in training only; OnnxOll's LoRA has no dropout"),
        RefusedWhen("fan_in_fan_out", IsTrue, "only [out, in] linear weights (CLIP's) are supported"),
        RefusedWhen("bias", (n, field, path) => JsonFields.Value<string>(n, field, path) != "none", "trained biases are not supported"),
        Honoured("use_rslora", "scale `lora_alpha / sqrt(r)`"),
        RefusedWhen("modules_to_save", HasValue, "fully trained modules are not supported"),
        RefusedWhen("init_lora_weights", ChangesBaseWeights,
            "`pissa*`, `corda`, `olora`, `loftq` and `lora_ga` make PEFT change the base weights, which the folder alone cannot reproduce; `true`, `false`, `gaussian`, `eva`, `orthogonal` and `mica` leave them (the saved A and B are the adapter)"),
        Honoured("layers_to_transform", "an index or a list (with a list `target_modules`); a tensor of another layer is refused (PEFT never creates it)"),
        Honoured("layers_pattern", "the layer list's name in PEFT's layer-index match (`layers` in CLIP); needs `layers_to_transform`"),
        RefusedWhen("rank_pattern", HasValue, "per-module ranks are not supported"),
        RefusedWhen("alpha_pattern", HasValue, "per-module alphas are not supported"),
        Ignored("megatron_config", "Megatron's parallel linear layers compute the same product"),
        Ignored("megatron_core", "the Megatron module used with `megatron_config`"),
        RefusedWhen("trainable_token_indices", HasValue, "trained token embeddings are not supported"),
        Ignored("loftq_config", "configures the `loftq` init, which is refused"),
        Ignored("eva_config", "configures the `eva` init (PEFT zeroes B and fits A to data; the base weights stay)"),
        Ignored("corda_config", "configures the `corda` init, which is refused"),
        Ignored("lora_ga_config", "configures the `lora_ga` init, which is refused"),
        RefusedWhen("use_dora", IsTrue, "DoRA is not supported"),
        Ignored("velora_config", "VeLoRA changes the backward pass only"),
        RefusedWhen("alora_invocation_tokens", HasValue, "Activated LoRA applies to tokens after an invocation only"),
        RefusedWhen("use_qalora", IsTrue, "QALoRA pools the input before A"),
        Ignored("qalora_group_size", "used with `use_qalora` only"),
        RefusedWhen("monteclora_config", HasValue, "MonteCLoRA samples the update"),
        RefusedWhen("layer_replication", HasValue, "it changes the layer stack (PEFT supports it for Llama-, BERT- and Falcon-like models, not CLIP)"),
        Ignored("runtime_config", "never saved"),
        RefusedWhen("lora_bias", IsTrue, "a bias on lora_B is not supported"),
        RefusedWhen("target_parameters", HasValue, "LoRA on parameters instead of modules is not supported"),
        RefusedWhen("use_bdlora", HasValue, "block-diagonal LoRA is not supported"),
        RefusedWhen("arrow_config", HasValue, "Arrow routing among adapters is not supported"),
        RefusedWhen("kasa_config", HasValue, "KaSA truncates the base weights' singular values"),
        Ignored("ensure_weight_tying", "ties adapters of tied layers; CLIP's encoder linears are not tied"),
    ];

    /// <summary>Refuses a config holding a refused value or an unknown field that is set; the message names the file and field.</summary>
    /// <exception cref="InvalidDataException">The first such field.</exception>
    public static void Check(JsonObject config, string path)
    {
        ArgumentNullException.ThrowIfNull(config);
        var known = All.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach (var (name, node) in config)
        {
            if (!known.TryGetValue(name, out var field))
            {
                if (IsSet(node))
                {
                    throw new InvalidDataException($"{path}: field '{name}' is {node!.ToJsonString()}; it is no LoraConfig field OnnxOll knows, so what PEFT would do with it is unknown.");
                }

                continue;
            }

            if (node is not null && field.Refuses?.Invoke(node, name, path) == true)
            {
                throw new InvalidDataException($"{path}: field '{name}' is {node.ToJsonString()}; {field.Why}.");
            }
        }
    }

    private static PeftConfigField Honoured(string name, string why) => new(name, PeftFieldUse.Honoured, why, null);

    private static PeftConfigField Ignored(string name, string why) => new(name, PeftFieldUse.Ignored, why, null);

    private static PeftConfigField RefusedWhen(string name, Func<JsonNode, string, string, bool> refuses, string why) => new(name, PeftFieldUse.Refused, why, refuses);

    private static bool IsTrue(JsonNode node, string field, string path) => JsonFields.Value<bool>(node, field, path);

    private static bool HasValue(JsonNode node, string field, string path) => IsSet(node);

    private static bool IsSet(JsonNode? node) => node switch
    {
        null => false,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.False or JsonValueKind.Null => false,
            JsonValueKind.String => v.GetValue<string>().Length > 0,
            _ => true,
        },
        _ => true,
    };

    private static bool ChangesBaseWeights(JsonNode node, string field, string path) => node.GetValueKind() switch
    {
        JsonValueKind.True or JsonValueKind.False => false,
        _ => !HonouredInits.Contains(JsonFields.Value<string>(node, field, path), StringComparer.Ordinal),
    };
}
