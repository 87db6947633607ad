using System.Text.RegularExpressions;
using OnnxOll.Learning.Metrics;
using OnnxOll.TestSupport.Images;
using OnnxOll.TestSupport.Models;

namespace OnnxOll.Cli.Tests.Learn;

/// <summary>Data that makes no sense is warned about before the run, and learn's final line lists only the files that exist.</summary>
public sealed partial class FinalLineTests : IDisposable
{
    private readonly TinyModelFolder tiny = new(seed: 5);

    [Fact]
    public void OneClassWithoutTestSplitWarnsAndListsOnlyWrittenFiles()
    {
        string data = Path.Combine(tiny.Root, "one-class");
        Directory.CreateDirectory(Path.Combine(data, "only"));
        for (int i = 0; i < 6; i++)
        {
            Bitmap.WriteRandom(Path.Combine(data, "only", $"{i}.bmp"), 8, 8, seed: i);
        }

        string run = Path.Combine(tiny.Root, "run");
        var output = new List<string>();
        using var child = CliProcess.Start(Path.Combine(tiny.Root, "cache"), output.Add,
            "learn", "--model", tiny.ModelDirectory, "--data", $"folder:{data}", "--scenario", "iid", "--batch", "4", "--out", run, "--threads", "1");
        string errors = child.StandardError.ReadToEnd();
        child.WaitForExit();

        Assert.True(child.ExitCode == 0, $"learn exited with {child.ExitCode}: {errors}");
        Assert.Contains($"warning: data 'folder:{data}': the stream holds one class ('only')", Spaces().Replace(errors, " "), StringComparison.Ordinal);
        Assert.Contains("no test split", errors, StringComparison.Ordinal);
        string final = FinalLine(output, "finished: ");
        Assert.False(File.Exists(Path.Combine(run, "accuracy.png")), "an empty accuracy plot was drawn");
        Assert.Empty(MetricsLog.ReadRecords(Path.Combine(run, "metrics.jsonl")));
        Assert.Equal(2, MetricsLog.ReadSteps(Path.Combine(run, "metrics.jsonl")).Count);
        AssertListsExactlyTheFilesThatExist(final, run);
    }

    [Fact]
    public void InterruptedRunListsOnlyWrittenFiles()
    {
        string run = Path.Combine(tiny.Root, "interrupted");
        var output = new List<string>();
        using var trained = new ManualResetEventSlim();
        using var child = CliProcess.Start(Path.Combine(tiny.Root, "cache"), line =>
            {
                lock (output)
                {
                    output.Add(line);
                }

                if (line.Contains(" samples", StringComparison.Ordinal))
                {
                    trained.Set();
                }
            },
            "learn", "--model", tiny.ModelDirectory, "--data", "synthetic:colours=4,shapes=2,textures=1,train=2000,test=4",
            "--scenario", "iid", "--batch", "8", "--eval-every", "0", "--checkpoint-every", "1000", "--out", run, "--threads", "1");
        Assert.True(trained.Wait(TimeSpan.FromMinutes(2)), "no batch was trained within 2 minutes");
        using (var signal = System.Diagnostics.Process.Start("kill", ["-INT", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            signal.WaitForExit();
        }

        Assert.True(child.WaitForExit(60_000), "the run did not stop after SIGINT");
        child.WaitForExit();
        string final;
        lock (output)
        {
            final = FinalLine(output, "interrupted; resume with --resume: ");
        }

        Assert.DoesNotContain("summary.json", final, StringComparison.Ordinal);
        AssertListsExactlyTheFilesThatExist(final, run);
        Assert.Contains("1 checkpoint)", final, StringComparison.Ordinal);
    }

    public void Dispose() => tiny.Dispose();

    private static string FinalLine(List<string> output, string start)
    {
        string text = Spaces().Replace(string.Join(' ', output), " ");
        int at = text.LastIndexOf(start, StringComparison.Ordinal);
        Assert.True(at >= 0, $"no final line starting '{start}' in: {text}");
        return text[at..];
    }

    private static void AssertListsExactlyTheFilesThatExist(string final, string run)
    {
        foreach (var name in new[] { "metrics.jsonl", "summary.json", "accuracy.png", "accuracy.svg", "loss.png", "loss.svg", "run.json" })
        {
            Assert.True(final.Contains(name, StringComparison.Ordinal) == File.Exists(Path.Combine(run, name)), $"'{final}' vs {name} existing: {File.Exists(Path.Combine(run, name))}");
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
