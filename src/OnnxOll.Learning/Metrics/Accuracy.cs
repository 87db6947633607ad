namespace OnnxOll.Learning.Metrics;

/// <summary>Accumulates top-1 accuracy over (target, prediction) pairs, overall and per target class.</summary>
public sealed class Accuracy
{
    private readonly Dictionary<string, (int Correct, int Total)> perClass = new(StringComparer.Ordinal);

    /// <summary>Number of pairs seen since the last reset.</summary>
    public int Count { get; private set; }

    /// <summary>Number of correct pairs since the last reset.</summary>
    public int Correct { get; private set; }

    /// <summary>Adds one prediction.</summary>
    public void Update(string target, string prediction)
    {
        bool hit = string.Equals(target, prediction, StringComparison.Ordinal);
        Count++;
        Correct += hit ? 1 : 0;
        var (c, t) = perClass.GetValueOrDefault(target);
        perClass[target] = (c + (hit ? 1 : 0), t + 1);
    }

    /// <summary>Adds a batch of predictions; both lists must have the same length.</summary>
    public void Update(IReadOnlyList<string> targets, IReadOnlyList<string> predictions)
    {
        if (targets.Count != predictions.Count)
        {
            throw new ArgumentException($"Accuracy update: {targets.Count} targets but {predictions.Count} predictions.");
        }

        for (int i = 0; i < targets.Count; i++)
        {
            Update(targets[i], predictions[i]);
        }
    }

    /// <summary>Fraction correct over all pairs (0 when none).</summary>
    public double Result() => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Fraction correct per target class.</summary>
    public IReadOnlyDictionary<string, double> ResultPerClass() =>
        perClass.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv => (double)kv.Value.Correct / kv.Value.Total, StringComparer.Ordinal);

    /// <summary>Forgets all pairs.</summary>
    public void Reset()
    {
        perClass.Clear();
        Count = 0;
        Correct = 0;
    }
}
