namespace OnnxOll.Learning.Metrics;

/// <summary>The mean of the last <see cref="Window"/> values added (of all of them while fewer have arrived); NaN before the first.</summary>
public sealed class MovingAverage
{
    private readonly double[] values;
    private int next;

    /// <summary>Averages over the last <paramref name="window"/> values (at least 1).</summary>
    public MovingAverage(int window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        values = new double[window];
    }

    /// <summary>The most values averaged.</summary>
    public int Window => values.Length;

    /// <summary>How many values the mean covers now: those added, up to <see cref="Window"/>.</summary>
    public int Count { get; private set; }

    /// <summary>The mean of the last <see cref="Count"/> values, or NaN when none was added.</summary>
    public double Value
    {
        get
        {
            if (Count == 0)
            {
                return double.NaN;
            }

            double sum = 0;
            for (int i = 0; i < Count; i++)
            {
                sum += values[i];
            }

            return sum / Count;
        }
    }

    /// <summary>Adds a value, replacing the oldest once the window is full.</summary>
    public void Add(double value)
    {
        values[next] = value;
        next = (next + 1) % values.Length;
        Count = Math.Min(Count + 1, values.Length);
    }
}
