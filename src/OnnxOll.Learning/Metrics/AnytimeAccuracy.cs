namespace OnnxOll.Learning.Metrics;

/// <summary>A_auc: the mean of anytime evaluations taken every <see cref="Interval"/> stream samples (on test data of classes seen so far).</summary>
public sealed class AnytimeAccuracy
{
    private double sum;

    /// <summary>Creates the metric; the paper evaluates every 1000 samples.</summary>
    public AnytimeAccuracy(long interval = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        Interval = interval;
    }

    /// <summary>Stream samples between two anytime evaluations.</summary>
    public long Interval { get; }

    /// <summary>Number of evaluations accumulated.</summary>
    public int Count { get; private set; }

    /// <summary>True when a multiple of <see cref="Interval"/> lies in (samplesBefore, samplesAfter], i.e. an evaluation is due after this batch.</summary>
    public bool IsDue(long samplesBefore, long samplesAfter) => samplesAfter / Interval > samplesBefore / Interval;

    /// <summary>Adds one anytime evaluation's accuracy.</summary>
    public void Update(double accuracy)
    {
        sum += accuracy;
        Count++;
    }

    /// <summary>Mean of the evaluations (0 when none).</summary>
    public double Result() => Count == 0 ? 0 : sum / Count;

    /// <summary>Forgets all evaluations.</summary>
    public void Reset()
    {
        sum = 0;
        Count = 0;
    }
}
