using System.Globalization;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>A learner method as <c>--method</c> names it: <c>NAME:key=value,...</c> (e.g. <c>replay:memory=500,loss=all</c>), checked
/// against <see cref="MethodCatalog"/>; absent keys take their defaults, so the canonical text names every key.</summary>
public sealed class MethodSpec
{
    private readonly Dictionary<string, string> values;

    private MethodSpec(string name, Dictionary<string, string> values)
    {
        Name = name;
        this.values = values;
    }

    /// <summary>The method's name in the catalog.</summary>
    public string Name { get; }

    /// <summary>Parses and checks <paramref name="text"/>.</summary>
    /// <exception cref="ArgumentException">Unknown method or key (the message lists the valid ones), a duplicate or missing key, or a
    /// value that does not fit; one line naming it.</exception>
    public static MethodSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string name = (colon < 0 ? text : text[..colon]).Trim();
        var definition = MethodCatalog.Find(name);
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        string settings = colon < 0 ? string.Empty : text[(colon + 1)..];
        foreach (string pair in settings.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? pair : pair[..equals].Trim();
            if (!definition.Keys.Any(k => k.Key == key))
            {
                throw new ArgumentException($"--method {name}: key '{key}' is unknown; valid: {string.Join(", ", definition.Keys.Select(k => k.Key))}.");
            }

            if (equals < 0 || !given.TryAdd(key, pair[(equals + 1)..].Trim()))
            {
                throw new ArgumentException($"--method {name}: key '{key}' needs one value (as {key}=VALUE), in '{text}'.");
            }
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, fallback) in definition.Keys)
        {
            values[key] = given.TryGetValue(key, out var value) ? value
                : fallback ?? throw new ArgumentException($"--method {name}: key '{key}' is required (as {key}=VALUE).");
        }

        var spec = new MethodSpec(name, values);
        definition.Check(spec);
        return spec;
    }

    /// <summary>The value of <paramref name="key"/> as text.</summary>
    public string Text(string key) => values[key];

    /// <summary>The value of <paramref name="key"/> as an integer of at least <paramref name="min"/>.</summary>
    public int Integer(string key, int min) =>
        int.TryParse(values[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min ? v
            : throw new ArgumentException($"--method {Name}: {key}={values[key]} is not an integer of at least {min}.");

    /// <summary>The value of <paramref name="key"/> as a finite number of at least <paramref name="min"/>.</summary>
    public double Number(string key, double min) =>
        double.TryParse(values[key], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v >= min ? v
            : throw new ArgumentException($"--method {Name}: {key}={values[key]} is not a number of at least {min.ToString(CultureInfo.InvariantCulture)}.");

    /// <summary>The value of <paramref name="key"/>, one of <paramref name="choices"/>.</summary>
    public string Choice(string key, params string[] choices) =>
        choices.Contains(values[key], StringComparer.Ordinal) ? values[key]
            : throw new ArgumentException($"--method {Name}: {key}={values[key]} is not one of {string.Join(", ", choices)}.");

    /// <summary>The canonical text: the name and every key of the method, in the catalog's order.</summary>
    public override string ToString() =>
        values.Count == 0 ? Name : $"{Name}:{string.Join(",", MethodCatalog.Find(Name).Keys.Select(k => $"{k.Key}={values[k.Key]}"))}";
}
