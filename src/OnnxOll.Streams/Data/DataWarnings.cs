namespace OnnxOll.Streams.Data;

/// <summary>Data that opens fine but makes no sense to learn from: found before a run starts, so the user hears of it up front.</summary>
public static class DataWarnings
{
    private static readonly HashSet<string> SplitNames = new(StringComparer.OrdinalIgnoreCase) { "train", "training", "test", "testing", "val", "valid", "validation", "eval" };

    /// <summary>One sentence per problem of <paramref name="data"/> (opened from <paramref name="spec"/>); empty when none.</summary>
    public static IReadOnlyList<string> Check(DataSplits data, string spec)
    {
        ArgumentNullException.ThrowIfNull(data);
        var warnings = new List<string>();
        var classes = data.Train.Labels.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 1)
        {
            warnings.Add($"data '{spec}': the stream holds one class ('{classes[0]}'); SIT contrasts the classes of a batch, so the loss is 0 and nothing is learned");
        }

        // A class with a split's name that the test split also holds is a real class (CIFAR-100 has one called 'train').
        var testClasses = data.Test?.Labels.ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var name in classes.Where(c => SplitNames.Contains(c) && !testClasses.Contains(c)))
        {
            warnings.Add($"data '{spec}': class '{name}' has a split folder's name; lay the data out as <split>/<class>/<image> (or <class>/<image>) so it is not read as a class");
        }

        if (data.Test is null)
        {
            warnings.Add($"data '{spec}': no test split; no evaluation runs, so A_auc, A_avg, A_last and F_last stay '-' and no accuracy plot is drawn");
        }

        return warnings;
    }
}
