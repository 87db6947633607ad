using System.Diagnostics;

namespace OnnxOll.Cli.Tests.Runs;

/// <summary>A tmpfs of a few kilobytes mounted for one test (to fill a disk or make a run folder read-only); unmounted on dispose.</summary>
internal sealed class SmallFileSystem : IDisposable
{
    private SmallFileSystem(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> KB at a new temporary folder.</summary>
    public static SmallFileSystem Mount(int kilobytes)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "onnxoll-fs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        string? error = Command("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path);
        Assert.True(error is null, $"mount failed: {error}");
        return new SmallFileSystem(path);
    }

    /// <summary>Whether this process may mount a tmpfs (root with the mount capability); probed once.</summary>
    public static bool CanMount { get; } = Probe();

    /// <summary>Makes the file system read-only.</summary>
    public void MakeReadOnly()
    {
        string? error = Command("mount", "-o", "remount,ro", Path);
        Assert.True(error is null, $"remount failed: {error}");
    }

    public void Dispose()
    {
        Command("umount", "-l", Path);
        Directory.Delete(Path);
    }

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return false;
        }

        try
        {
            using var probe = Mount(16);
            return true;
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string? Command(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? null : $"{file} {string.Join(' ', args)}: exit {process.ExitCode}, {error.Trim()}";
    }
}
