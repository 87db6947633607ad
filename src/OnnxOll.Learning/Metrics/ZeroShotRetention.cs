namespace OnnxOll.Learning.Metrics;

/// <summary>Zero-shot retention: accuracy on classes never in the stream, before learning vs after.</summary>
public sealed class ZeroShotRetention
{
    /// <summary>Accuracy of the untouched model, when measured.</summary>
    public double? Before { get; private set; }

    /// <summary>Accuracy after the stream, when measured.</summary>
    public double? After { get; private set; }

    /// <summary>Records the accuracy before learning.</summary>
    public void UpdateBefore(double accuracy) => Before = accuracy;

    /// <summary>Records the accuracy after learning.</summary>
    public void UpdateAfter(double accuracy) => After = accuracy;

    /// <summary>After − Before (negative means zero-shot ability was lost); null until both are recorded.</summary>
    public double? Result() => Before is { } b && After is { } a ? a - b : null;

    /// <summary>Forgets both measurements.</summary>
    public void Reset()
    {
        Before = null;
        After = null;
    }
}
