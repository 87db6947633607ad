using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace OnnxOll.Deploy.Peft;

/// <summary>Whether PEFT creates a LoRA for a module: its <c>check_target_module_exists</c> (<c>src/peft/tuners/tuners_utils.py</c>) over
/// <c>exclude_modules</c>, <c>target_modules</c>, <c>layers_to_transform</c> and <c>layers_pattern</c>, plus the combinations its config refuses.</summary>
internal static class PeftTargetMatch
{
    private const string AllLinear = "all-linear";
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Refuses what PEFT's <c>LoraConfig</c> itself raises on, and fields of the wrong JSON kind.</summary>
    /// <exception cref="InvalidDataException">The message names the file and field.</exception>
    public static void CheckConfig(JsonObject config, string path)
    {
        var targets = config["target_modules"]
            ?? throw new InvalidDataException($"{path}: field 'target_modules' is missing; PEFT has no default target modules for CLIP and refuses such a config.");
        var layers = config["layers_to_transform"];
        var pattern = config["layers_pattern"];
        RequireNames(targets, "target_modules", path);
        RequireNames(config["exclude_modules"], "exclude_modules", path);
        RequireNames(pattern, "layers_pattern", path);
        if (layers is not null && !(IsInt(layers) || layers is JsonArray list && list.All(IsInt)))
        {
            throw new InvalidDataException($"{path}: field 'layers_to_transform' is {layers.ToJsonString()}; expected a layer index or a list of them.");
        }

        if (targets is JsonValue && layers is not null)
        {
            throw new InvalidDataException($"{path}: field 'layers_to_transform' is {layers.ToJsonString()} with a string (regex) 'target_modules'; PEFT refuses that combination.");
        }

        if (targets is JsonValue && IsSetPattern(pattern))
        {
            throw new InvalidDataException($"{path}: field 'layers_pattern' is {pattern!.ToJsonString()} with a string (regex) 'target_modules'; PEFT refuses that combination.");
        }

        if (IsSetPattern(pattern) && layers is null)
        {
            throw new InvalidDataException($"{path}: field 'layers_pattern' is {pattern!.ToJsonString()} without 'layers_to_transform'; PEFT refuses that.");
        }
    }

    /// <summary>Null when PEFT creates a LoRA for <paramref name="module"/> (a name such as <c>vision_model.encoder.layers.3.self_attn.q_proj</c>);
    /// otherwise the field and value that keep it out, for a message.</summary>
    public static string? WhyNot(JsonObject config, string module, string path)
    {
        if (config["exclude_modules"] is { } exclude && Names(exclude, module, path))
        {
            return $"field 'exclude_modules' is {exclude.ToJsonString()}";
        }

        var targets = config["target_modules"]!; // CheckConfig requires it
        if (targets is JsonValue regex)
        {
            return regex.GetValue<string>().Equals(AllLinear, StringComparison.OrdinalIgnoreCase) || Names(targets, module, path)
                ? null
                : $"field 'target_modules' is {targets.ToJsonString()}";
        }

        var list = targets.AsArray().Select(t => t!.GetValue<string>()).ToArray();
        if (list.Contains(module, StringComparer.Ordinal))
        {
            return null; // PEFT takes an exactly named module before it looks at layers_to_transform.
        }

        if (!list.Any(t => module.EndsWith("." + t, StringComparison.Ordinal)))
        {
            return $"field 'target_modules' is {targets.ToJsonString()}";
        }

        var layers = config["layers_to_transform"];
        if (layers is null || layers is JsonArray { Count: 0 })
        {
            return null;
        }

        int? index = LayerIndex(module, config["layers_pattern"]);
        bool kept = index is { } i && (layers is JsonArray wanted ? wanted.Any(l => l!.GetValue<int>() == i) : layers.GetValue<int>() == i);
        return kept ? null : $"field 'layers_to_transform' is {layers.ToJsonString()}{(config["layers_pattern"] is { } p ? $" (layers_pattern {p.ToJsonString()})" : string.Empty)}";
    }

    // PEFT: without a pattern the first numbered segment (".*?\.[^.]*\.(\d+)\."), else the first "<pattern>.<n>." of the patterns in order.
    private static int? LayerIndex(string module, JsonNode? pattern)
    {
        var patterns = pattern switch
        {
            JsonValue v when v.GetValue<string>().Length > 0 => [v.GetValue<string>()],
            JsonArray { Count: > 0 } a => a.Select(p => p!.GetValue<string>()).ToArray(),
            _ => Array.Empty<string>(),
        };
        var regexes = patterns.Length == 0 ? [@"^.*?\.[^.]*\.(\d+)\."] : patterns.Select(p => $@"^.*?\.{p}\.(\d+)\.");
        foreach (var regex in regexes)
        {
            var match = Regex.Match(module, regex, RegexOptions.None, RegexTimeout);
            if (match.Success)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    // A list names a module exactly or by its last parts; a string is a full-match regex.
    private static bool Names(JsonNode names, string module, string path)
    {
        if (names is JsonArray list)
        {
            return list.Any(t => t!.GetValue<string>() is { } name && (module == name || module.EndsWith("." + name, StringComparison.Ordinal)));
        }

        try
        {
            return Regex.IsMatch(module, $"^(?:{names.GetValue<string>()})$", RegexOptions.None, RegexTimeout);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: {names.ToJsonString()} is not a valid regular expression ({e.Message}).", e);
        }
    }

    private static void RequireNames(JsonNode? node, string field, string path)
    {
        bool ok = node is null || (node is JsonValue v ? v.GetValueKind() == JsonValueKind.String
            : node is JsonArray a && a.All(t => t?.GetValueKind() == JsonValueKind.String));
        if (!ok)
        {
            throw new InvalidDataException($"{path}: field '{field}' is {node!.ToJsonString()}; expected a name or a list of names.");
        }
    }

    private static bool IsSetPattern(JsonNode? pattern) => pattern is JsonValue v ? v.GetValue<string>().Length > 0 : pattern is JsonArray { Count: > 0 };

    private static bool IsInt(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int _);
}
