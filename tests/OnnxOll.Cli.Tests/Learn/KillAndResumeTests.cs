using OnnxOll.Clip.Tiny;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.TestSupport.Models;
using OnnxOll.TestSupport.Runs;

namespace OnnxOll.Cli.Tests.Learn;

public sealed class KillAndResumeTests : IDisposable
{
    private const string Pet = "lora:r=4,alpha=8,towers=both,targets=q+v";
    private readonly TinyModelFolder tiny = new(seed: 11);

    [Fact]
    public void ResumeAfterSigkillGivesBitIdenticalPetTensorsAndMetrics()
    {
        int seed = Environment.TickCount & 0xffff;
        var rng = new Random(seed);
        int killAfter = rng.Next(2, 12);
        string cache = Path.Combine(tiny.Root, "cache");
        string model = tiny.ModelDirectory;
        string[] Args(string run) =>
        [
            "learn", "--model", model, "--data", "synthetic:colours=4,shapes=2,textures=1,train=40,test=4,seed=2",
            "--scenario", "si-blurry:n=50,m=10,tasks=3", "--pet", Pet, "--batch", "8", "--iters", "2", "--lr", "0.01",
            "--eval-every", "0", "--seed", "7", "--out", run, "--threads", "1",
        ];

        string reference = Path.Combine(tiny.Root, "reference");
        CliProcess.RunToEnd(cache, Args(reference));

        string interrupted = Path.Combine(tiny.Root, "interrupted");
        string where = $"seed {seed}, killed after step {killAfter}";
        using (var child = CliProcess.Start(cache, Args(interrupted)))
        {
            CliProcess.KillAtCheckpoint(child, interrupted, killAfter, where, checkpoints: Math.Min(killAfter, 3));
        }

        CliProcess.RunToEnd(cache, [.. Args(interrupted), "--resume"]);
        Assert.Empty(Directory.GetFiles(interrupted, ".*"));
        Assert.All(Directory.GetFiles(interrupted, "ckpt-*.safetensors"), f => Assert.True(File.Exists(Path.ChangeExtension(f, ".json")), $"{f} has no manifest"));

        var (expected, actual) = ResumedRun.AssertSameLatest(reference, interrupted, model, Pet, where);
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.Optimizer!.Step, actual.Optimizer!.Step);
        string[] expectedLines = File.ReadAllLines(Path.Combine(reference, "metrics.jsonl")), actualLines = File.ReadAllLines(Path.Combine(interrupted, "metrics.jsonl"));
        Assert.Equal(expectedLines, actualLines);
        Assert.True(File.ReadAllBytes(Path.Combine(reference, "metrics.jsonl")).SequenceEqual(File.ReadAllBytes(Path.Combine(interrupted, "metrics.jsonl"))),
            $"metrics.jsonl differs after resume ({where})");
        Assert.Contains(expectedLines, l => l.Contains("\"kind\":\"task_end\"", StringComparison.Ordinal));
    }

    [Fact]
    public void InterruptWritesACheckpointAndExitsCleanly()
    {
        string cache = Path.Combine(tiny.Root, "cache");
        string run = Path.Combine(tiny.Root, "sigint");
        // Without a terminal, learn prints a progress line once the first batch is trained (and its signal handlers are in place).
        using var trained = new ManualResetEventSlim();
        using var child = CliProcess.Start(cache, line => { if (line.Contains(" samples", StringComparison.Ordinal)) { trained.Set(); } },
            "learn", "--model", tiny.ModelDirectory, "--data", "synthetic:colours=4,shapes=2,textures=1,train=2000,test=4",
            "--scenario", "iid", "--pet", Pet, "--batch", "8", "--iters", "2", "--eval-every", "0", "--checkpoint-every", "1000", "--out", run);
        var store = new CheckpointStore(run);
        Assert.True(trained.Wait(TimeSpan.FromMinutes(2)), "no batch was trained within 2 minutes");
        Assert.False(child.HasExited, "the run ended before it was interrupted");
        Assert.Empty(store.ListSteps());
        using (var signal = System.Diagnostics.Process.Start("kill", ["-INT", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            signal.WaitForExit();
        }

        Assert.True(child.WaitForExit(60_000), "the run did not stop after SIGINT");
        Assert.Equal(130, child.ExitCode);
        long step = Assert.Single(store.ListSteps());
        Assert.True(step > 0);
    }

    public void Dispose() => tiny.Dispose();
}
