namespace OnnxOll.Runtime.Tests;

/// <summary>Resident set size of this process, read from /proc/self/status.</summary>
public static class ProcessMemory
{
    public static long ResidentBytes()
    {
        foreach (var line in System.IO.File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidDataException("/proc/self/status: no VmRSS line.");
    }

    /// <summary>Collects garbage and returns the freed managed memory to the OS, so RSS differences show native growth.</summary>
    public static void Settle()
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
