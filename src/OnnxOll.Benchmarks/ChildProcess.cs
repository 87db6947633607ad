using System.Diagnostics;

namespace OnnxOll.Benchmarks;

/// <summary>Runs a benchmark child process to completion and returns its standard output.</summary>
public static class ChildProcess
{
    /// <summary>Runs <paramref name="executable"/> with <paramref name="arguments"/>; standard error passes through.</summary>
    /// <exception cref="InvalidOperationException">The process exited with a non-zero code (its stderr is included).</exception>
    public static string Run(string executable, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{executable}: could not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{executable} {string.Join(' ', info.ArgumentList)}: exit code {process.ExitCode}: {stderr.Result.Trim()}");
        }

        return stdout;
    }

    /// <summary>The last line of <paramref name="stdout"/> that is a JSON object.</summary>
    public static string LastJsonLine(string stdout, string source) =>
        stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{') && l.EndsWith('}'))
        ?? throw new InvalidOperationException($"{source}: no JSON result on standard output.");
}
