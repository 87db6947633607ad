namespace OnnxOll.Learning.Metrics;

/// <summary>A_last: the accuracy after the last task (the most recent task-end evaluation).</summary>
public sealed class LastAccuracy
{
    private double? last;

    /// <summary>Records a task-end accuracy, replacing the previous one.</summary>
    public void Update(double taskEndAccuracy) => last = taskEndAccuracy;

    /// <summary>The last recorded accuracy (0 when none).</summary>
    public double Result() => last ?? 0;

    /// <summary>Forgets the recorded accuracy.</summary>
    public void Reset() => last = null;
}
