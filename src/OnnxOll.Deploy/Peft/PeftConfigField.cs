using System.Text.Json.Nodes;

namespace OnnxOll.Deploy.Peft;

/// <summary>One <c>adapter_config.json</c> field: its name, how OnnxOll treats it and why; <paramref name="Refuses"/> picks the refused values
/// (given the value, the field name and the config's path, for an error naming a value of the wrong kind).</summary>
public sealed record PeftConfigField(string Name, PeftFieldUse Use, string Why, Func<JsonNode, string, string, bool>? Refuses);
