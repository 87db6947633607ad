using System.Diagnostics;

namespace OnnxOll.Cli.Tests.Learn;

/// <summary>Starts the onnxoll CLI built next to the tests as a child process.</summary>
internal static class CliProcess
{
    public static Process Start(string cacheDirectory, params string[] args) => Start(cacheDirectory, null, args);

    /// <summary>Starts the CLI; <paramref name="onOutput"/> hears each line it prints on standard output.</summary>
    public static Process Start(string cacheDirectory, Action<string>? onOutput, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "onnxoll.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["ONNXOLL_CACHE"] = cacheDirectory;
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onOutput?.Invoke(e.Data);
            }
        };
        process.BeginOutputReadLine();
        return process;
    }

    public static void RunToEnd(string cacheDirectory, params string[] args)
    {
        using var process = Start(cacheDirectory, args);
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"onnxoll {string.Join(' ', args)} exited with {process.ExitCode}: {errors}");
    }

    /// <summary>Runs the CLI to its end in <paramref name="workingDirectory"/> with stdout and stderr piped; <paramref name="environment"/>
    /// sets (or, with null, removes) variables. Returns the exit code and both outputs.</summary>
    public static (int Exit, string Stdout, string Stderr) Capture(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "onnxoll.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }
}
