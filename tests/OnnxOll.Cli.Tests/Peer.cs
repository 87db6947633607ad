using System.Diagnostics;

namespace OnnxOll.Cli.Tests;

/// <summary>Locates and runs the libtorch peer (<c>clipref</c>): <c>$ONNXOLL_CLIPREF</c>, else the build beside the repository, when it exists.</summary>
public static class Peer
{
    /// <summary>Overrides the peer's location (a private build elsewhere).</summary>
    public const string EnvironmentVariable = "ONNXOLL_CLIPREF";

    public static string? Executable()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            return File.Exists(given) ? given : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OnnxOll.sln")))
            {
                string exe = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "peer", "bin", "Release", "net10.0", "clipref"));
                return File.Exists(exe) ? exe : null;
            }
        }

        return null;
    }

    /// <summary>Runs the peer with <paramref name="args"/> and returns its exit code; stdout and stderr go to the test output on failure.</summary>
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var info = new ProcessStartInfo(Executable()!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
