using System.Diagnostics;

namespace OnnxOll.TestSupport.JavaScript;

/// <summary>Node.js and npm found on PATH, and a runner for their processes with a time limit and captured output.</summary>
public static class NodeTools
{
    public static string? Node { get; } = Find("node");

    public static string? Npm { get; } = Find("npm");

    /// <summary>Runs a tool to completion; throws naming the command, exit code and stderr when it fails or exceeds <paramref name="timeout"/>.</summary>
    public static string Run(string tool, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds:0} s");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}: {error.Result.Trim()}");
        }

        return output.Result;
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
