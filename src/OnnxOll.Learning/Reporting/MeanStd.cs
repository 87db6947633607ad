using System.Globalization;

namespace OnnxOll.Learning.Reporting;

/// <summary>Mean and sample standard deviation of a metric over seeds, formatted for a results table.</summary>
public readonly record struct MeanStd(double Mean, double Std, int Count)
{
    /// <summary>The statistics of the non-null values, or null when there are none.</summary>
    public static MeanStd? Of(IEnumerable<double?> values)
    {
        var v = values.OfType<double>().ToArray();
        if (v.Length == 0)
        {
            return null;
        }

        double mean = v.Average();
        double std = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return new MeanStd(mean, std, v.Length);
    }

    /// <summary>"mean ± std" scaled by <paramref name="scale"/> (100 for percentages), or just the mean for one value.</summary>
    public string Format(double scale, string format) =>
        Count > 1
            ? $"{(Mean * scale).ToString(format, CultureInfo.InvariantCulture)} ± {(Std * scale).ToString(format, CultureInfo.InvariantCulture)}"
            : (Mean * scale).ToString(format, CultureInfo.InvariantCulture);
}
