namespace OnnxOll.Jobs.Configuration;

/// <summary>One setting of a config file or a run's <c>run.json</c>: its key as written and its value(s) as text.</summary>
/// <param name="Key">The key as written (<c>lr</c>, <c>weight_decay</c>, <c>pet_spec</c>, ...).</param>
/// <param name="Values">One value, or each item of a list (prompts, methods, class names).</param>
/// <param name="Source">Where it came from (the file), named in messages.</param>
public sealed record ConfigEntry(string Key, IReadOnlyList<string> Values, string Source);
