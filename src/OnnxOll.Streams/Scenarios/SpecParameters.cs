namespace OnnxOll.Streams.Scenarios;

/// <summary>Parses CLI specs of the form <c>kind[:positional][,key=value]...</c> and reports errors naming the spec and field.</summary>
internal sealed class SpecParameters
{
    private readonly Dictionary<string, string> values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> used = new(StringComparer.OrdinalIgnoreCase);

    private SpecParameters(string spec, string kind, string? positional)
    {
        Spec = spec;
        Kind = kind;
        Positional = positional;
    }

    public string Spec { get; }

    public string Kind { get; }

    /// <summary>The first item after the colon when it is not a key=value pair (e.g. a path).</summary>
    public string? Positional { get; }

    public static SpecParameters Parse(string spec, string what)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string trimmed = spec.Trim();
        int colon = trimmed.IndexOf(':');
        string kind = (colon < 0 ? trimmed : trimmed[..colon]).Trim().ToLowerInvariant();
        if (kind.Length == 0)
        {
            throw new FormatException($"{what} spec '{spec}': missing kind before ':'.");
        }

        var items = colon < 0 ? [] : trimmed[(colon + 1)..].Split(',');
        string? positional = null;
        int start = 0;
        if (items.Length > 0 && !items[0].Contains('=') && items[0].Trim().Length > 0)
        {
            positional = items[0].Trim();
            start = 1;
        }

        var result = new SpecParameters(spec, kind, positional);
        for (int i = start; i < items.Length; i++)
        {
            string item = items[i].Trim();
            int eq = item.IndexOf('=');
            if (eq <= 0)
            {
                throw new FormatException($"{what} spec '{spec}': item '{item}' is not key=value.");
            }

            string key = item[..eq].Trim();
            if (!result.values.TryAdd(key, item[(eq + 1)..].Trim()))
            {
                throw new FormatException($"{what} spec '{spec}': field '{key}' given twice.");
            }
        }

        return result;
    }

    public string? GetString(string key)
    {
        used.Add(key);
        return values.TryGetValue(key, out var v) ? v : null;
    }

    public int GetInt(string key, int defaultValue, int min, int max)
    {
        string? text = GetString(key);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value)
            || value < min || value > max)
        {
            throw new FormatException($"Spec '{Spec}': field '{key}' must be an integer in [{min}, {max}], got '{text}'.");
        }

        return value;
    }

    /// <summary>Throws when a key was given that no reader asked for.</summary>
    public void RejectUnknown()
    {
        var unknown = values.Keys.Where(k => !used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new FormatException($"Spec '{Spec}': unknown field(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))} for kind '{Kind}'.");
        }
    }
}
