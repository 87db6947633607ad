namespace OnnxOll.Learning.Metrics;

/// <summary>F_last: mean over classes of (best accuracy at an earlier task end − accuracy at the last task end).</summary>
/// <remarks>Only classes evaluated both at the last task end and at some earlier one count; the result can be negative.</remarks>
public sealed class LastForgetting
{
    private readonly List<IReadOnlyDictionary<string, double>> taskEnds = [];

    /// <summary>Number of task ends accumulated.</summary>
    public int Count => taskEnds.Count;

    /// <summary>Adds the per-class accuracies measured at one task end.</summary>
    public void Update(IReadOnlyDictionary<string, double> perClassAccuracy)
    {
        ArgumentNullException.ThrowIfNull(perClassAccuracy);
        taskEnds.Add(new Dictionary<string, double>(perClassAccuracy, StringComparer.Ordinal));
    }

    /// <summary>Mean forgetting over the classes of the last task end seen earlier (0 when there are none).</summary>
    public double Result()
    {
        if (taskEnds.Count < 2)
        {
            return 0;
        }

        var final = taskEnds[^1];
        double sum = 0;
        int classes = 0;
        foreach (var (cls, finalAccuracy) in final)
        {
            var earlier = taskEnds.Take(taskEnds.Count - 1).Where(t => t.ContainsKey(cls)).Select(t => t[cls]).ToList();
            if (earlier.Count > 0)
            {
                sum += earlier.Max() - finalAccuracy;
                classes++;
            }
        }

        return classes == 0 ? 0 : sum / classes;
    }

    /// <summary>Forgets all task ends.</summary>
    public void Reset() => taskEnds.Clear();
}
