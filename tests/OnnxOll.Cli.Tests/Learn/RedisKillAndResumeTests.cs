using OnnxOll.Clip.Tiny;
using OnnxOll.TestSupport.Images;
using OnnxOll.TestSupport.Models;
using OnnxOll.TestSupport.Redis;
using OnnxOll.TestSupport.Runs;
using StackExchange.Redis;

namespace OnnxOll.Cli.Tests.Learn;

public sealed class RedisKillAndResumeTests : IDisposable
{
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";
    private const int Entries = 40;
    private readonly TinyModelFolder tiny = new(seed: 11);
    private readonly string stream = "onnxoll-test-" + Guid.NewGuid().ToString("N")[..8];

    [RedisFact]
    public void SigkillOfARedisFedLearnerThenResumeLosesAndDuplicatesNothing()
    {
        using var redis = ConnectionMultiplexer.Connect(LoopbackRedis.Address);
        var db = redis.GetDatabase();
        string[] labels = ["red", "green", "blue", "yellow"];
        for (int i = 0; i < Entries; i++)
        {
            db.StreamAdd(stream, [new NameValueEntry("label", labels[i % 4]), new NameValueEntry("image", Bitmap.Random(16, 16, seed: i))]);
        }

        int seed = Environment.TickCount & 0xffff;
        int killAfter = new Random(seed).Next(2, 8);
        string cache = Path.Combine(tiny.Root, "cache");
        string[] Args(string group, string run) =>
        [
            "learn", "--model", tiny.ModelDirectory, "--data", $"redis://{LoopbackRedis.Address}/{stream}?group={group}&max_wait_ms=200&end_idle_ms=1500",
            "--scenario", "iid", "--pet", Pet, "--batch", "4", "--iters", "2", "--lr", "0.01", "--eval-every", "0", "--seed", "7", "--out", run, "--threads", "1",
        ];

        string reference = Path.Combine(tiny.Root, "reference");
        CliProcess.RunToEnd(cache, Args("reference", reference));

        string interrupted = Path.Combine(tiny.Root, "interrupted");
        string where = $"Redis, seed {seed}, killed after step {killAfter}";
        using (var child = CliProcess.Start(cache, Args("interrupted", interrupted)))
        {
            CliProcess.KillAtCheckpoint(child, interrupted, killAfter, where);
        }

        CliProcess.RunToEnd(cache, [.. Args("interrupted", interrupted), "--resume"]);

        var (expected, _) = ResumedRun.AssertSameLatest(reference, interrupted, tiny.ModelDirectory, Pet, where);
        Assert.Equal(Entries, expected.Counters["samples_seen"]);
        Assert.Equal(0, db.StreamPending(stream, "interrupted").PendingMessageCount);
        Assert.Equal(0, db.StreamPending(stream, "reference").PendingMessageCount);
    }

    public void Dispose()
    {
        using (var redis = ConnectionMultiplexer.Connect(LoopbackRedis.Address + ",abortConnect=false"))
        {
            redis.GetDatabase().KeyDelete(stream);
        }

        tiny.Dispose();
    }
}
