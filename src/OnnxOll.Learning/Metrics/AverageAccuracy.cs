namespace OnnxOll.Learning.Metrics;

/// <summary>A_avg: the mean of the accuracies measured at the end of each task.</summary>
public sealed class AverageAccuracy
{
    private double sum;

    /// <summary>Number of task ends accumulated.</summary>
    public int Count { get; private set; }

    /// <summary>Adds the accuracy measured at one task end.</summary>
    public void Update(double taskEndAccuracy)
    {
        sum += taskEndAccuracy;
        Count++;
    }

    /// <summary>Mean over task ends (0 when none).</summary>
    public double Result() => Count == 0 ? 0 : sum / Count;

    /// <summary>Forgets all task ends.</summary>
    public void Reset()
    {
        sum = 0;
        Count = 0;
    }
}
