namespace OnnxOll.Learning.Learner.Methods;

/// <summary>Online-LoRA's loss-plateau detector: a sliding window of batch losses; a plateau is a full window whose mean and (population)
/// variance are under their thresholds, counted only after a new peak (a window mean above the last plateau's mean + its standard deviation).</summary>
/// <remarks>As the official code (Christina200/Online-LoRA-official, engine.py), except that it waits for a full window instead of
/// skipping the first task, whose boundary a task-free learner does not know.</remarks>
public sealed class LossPlateau(int length, double meanThreshold, double varianceThreshold)
{
    private readonly Queue<double> window = new();

    /// <summary>Whether a new peak was seen since the last plateau (true at the start).</summary>
    public bool PeakSeen { get; private set; } = true;

    /// <summary>The window's mean at the last plateau.</summary>
    public double LastMean { get; private set; }

    /// <summary>The window's variance at the last plateau.</summary>
    public double LastVariance { get; private set; }

    /// <summary>The losses in the window, oldest first.</summary>
    public IReadOnlyCollection<double> Window => window;

    /// <summary>Adds a batch loss; true when the window now is a plateau (the caller consolidates).</summary>
    public bool Add(double loss)
    {
        window.Enqueue(loss);
        if (window.Count > length)
        {
            window.Dequeue();
        }

        double mean = window.Average();
        double variance = window.Average(l => (l - mean) * (l - mean));
        if (!PeakSeen && mean > LastMean + Math.Sqrt(LastVariance))
        {
            PeakSeen = true;
        }

        if (window.Count < length || mean >= meanThreshold || variance >= varianceThreshold || !PeakSeen)
        {
            return false;
        }

        (LastMean, LastVariance, PeakSeen) = (mean, variance, false);
        return true;
    }

    /// <summary>Continues from saved values of <see cref="Window"/>, <see cref="PeakSeen"/>, <see cref="LastMean"/> and <see cref="LastVariance"/>.</summary>
    public void Restore(IEnumerable<double> losses, bool peakSeen, double lastMean, double lastVariance)
    {
        window.Clear();
        foreach (double loss in losses)
        {
            window.Enqueue(loss);
        }

        (PeakSeen, LastMean, LastVariance) = (peakSeen, lastMean, lastVariance);
    }
}
