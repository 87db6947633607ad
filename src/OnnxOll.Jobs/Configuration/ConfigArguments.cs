using Quickenshtein;

namespace OnnxOll.Jobs.Configuration;

/// <summary>Turns config entries into the command-line arguments of a command's long options, so a config file or a run's
/// <c>run.json</c> passes through the same parsing and checks as typed options.</summary>
public static class ConfigArguments
{
    /// <summary><c>run.json</c>'s names (dashed) of settings whose option is named otherwise.</summary>
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.Ordinal)
    {
        ["pet-spec"] = "pet",
        ["prompts"] = "prompt",
        ["methods"] = "method",
        ["distill-weight"] = "distill",
        ["validation-per-class"] = "validation",
        ["reset-optimizer-at-task-boundary"] = "no-reset",
    };

    /// <summary>Recorded keys that are no option: the run folder checks them itself.</summary>
    private static readonly HashSet<string> RecordedOnly = new(StringComparer.Ordinal) { "model-hash" };

    /// <summary>Arguments (<c>--name value</c>, one pair per value of a list) for each entry naming one of <paramref name="options"/>
    /// and not in <paramref name="given"/>; the options it sets join <paramref name="given"/>, so an earlier layer wins.</summary>
    /// <param name="entries">The settings, keys as long option names or as <c>run.json</c> records them.</param>
    /// <param name="options">The command's long option names without dashes.</param>
    /// <param name="given">Options already set (typed on the command line, or by an earlier layer).</param>
    /// <param name="skipUnknown">Skip keys that are no option of the command (a run's settings for another command), rather than refuse them.</param>
    /// <exception cref="ArgumentException">A key is no option of the command (the message suggests the nearest).</exception>
    public static IReadOnlyList<string> ToArguments(IEnumerable<ConfigEntry> entries, IReadOnlyCollection<string> options, ISet<string> given, bool skipUnknown)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(given);
        var arguments = new List<string>();
        var setHere = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            string key = entry.Key.Trim().TrimStart('-').ToLowerInvariant().Replace('_', '-');
            if (RecordedOnly.Contains(key))
            {
                continue;
            }

            var (name, values) = Translate(key, entry.Values);
            if (!options.Contains(name))
            {
                if (skipUnknown)
                {
                    continue;
                }

                throw new ArgumentException($"{entry.Source}: unknown key '{entry.Key}'{Suggestion(key, options)}");
            }

            if (given.Contains(name) || values.Count == 0)
            {
                continue;
            }

            setHere.Add(name);
            foreach (string value in values)
            {
                arguments.Add("--" + name);
                arguments.Add(value);
            }
        }

        given.UnionWith(setHere);
        return arguments;
    }

    private static (string Name, IReadOnlyList<string> Values) Translate(string key, IReadOnlyList<string> values) => key switch
    {
        // run.json records whether the optimizer resets; the option says it does not.
        "reset-optimizer-at-task-boundary" => ("no-reset", [.. values.Select(v => bool.TryParse(v, out bool reset) ? (!reset).ToString().ToLowerInvariant() : v)]),

        // run.json's holdout_classes is the count (--holdout); the option --holdout-classes names a file of classes.
        "holdout-classes" when values.Count == 1 && int.TryParse(values[0], out _) => ("holdout", values),
        _ => (Renamed.GetValueOrDefault(key, key), values),
    };

    private static string Suggestion(string key, IReadOnlyCollection<string> options)
    {
        var candidates = options.Concat(Renamed.Keys).Distinct(StringComparer.Ordinal)
            .Select(o => (Name: o, Distance: Levenshtein.GetDistance(key, o)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
        return candidates.Count > 0 && candidates[0].Distance <= Math.Max(2, key.Length / 3)
            ? $"; did you mean '{candidates[0].Name}'?"
            : $"; known keys: {string.Join(", ", options.Order(StringComparer.Ordinal))}";
    }
}
