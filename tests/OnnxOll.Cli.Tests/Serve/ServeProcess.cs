using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OnnxOll.Cli.Tests.Learn;

namespace OnnxOll.Cli.Tests.Serve;

/// <summary>An <c>onnxoll serve</c> child process on a free loopback port, with the HTTP calls the tests make.</summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly Process process;

    private ServeProcess(Process process, Uri address)
    {
        this.process = process;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Http { get; }

    public static ServeProcess Start(string cache, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "onnxoll.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["ONNXOLL_CACHE"] = cache;
        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromMinutes(2)) || line.Result is not { } text || !text.StartsWith("listening on ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"onnxoll serve did not start: '{(line.IsCompleted ? line.Result : "(no output)")}'");
        }

        return new ServeProcess(process, new Uri(text.Split(' ')[2]));
    }

    public async Task<JsonElement> Status() => await Http.GetFromJsonAsync<JsonElement>("/v1/status");

    /// <summary>Waits until the learner consumed the whole log and a checkpoint covers it.</summary>
    public async Task<JsonElement> WaitUntilLearned(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var status = await Status();
            if (status.GetProperty("lag").GetInt64() == 0
                && status.GetProperty("checkpoint_cursor").ValueKind == JsonValueKind.Number
                && status.GetProperty("checkpoint_cursor").GetInt64() == status.GetProperty("log_end").GetInt64())
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not learned within {timeout}: {status}");
            await Task.Delay(50);
        }
    }

    /// <summary>SIGKILL: no final checkpoint, no flush.</summary>
    public void Kill()
    {
        process.Kill();
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            Kill();
        }

        Http.Dispose();
        process.Dispose();
    }
}
