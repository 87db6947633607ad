using System.Diagnostics;

namespace OnnxOll.Benchmarks;

/// <summary>Times repeated runs of an action after warm-up and summarises them.</summary>
public static class Stopwatches
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then <paramref name="steps"/> times timed; returns milliseconds sorted.</summary>
    public static double[] Time(Action action, int warmup, int steps)
    {
        for (int i = 0; i < warmup; i++)
        {
            action();
        }

        var times = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return times;
    }

    /// <summary>The median of sorted values.</summary>
    public static double Median(double[] sorted) =>
        sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    /// <summary>Peak resident set size of this process in MB (VmHWM), or 0 where /proc is absent.</summary>
    public static double PeakRssMb() => Status("VmHWM:");

    /// <summary>Current resident set size of this process in MB (VmRSS), or 0 where /proc is absent.</summary>
    public static double RssMb() => Status("VmRSS:");

    private static double Status(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return 0;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
    }
}
