using System.Text.Json.Nodes;
using OnnxOll.Cli.Tests.Errors;
using OnnxOll.Clip.Tiny;
using OnnxOll.TestSupport.Models;
using OnnxOll.TestSupport.Runs;

namespace OnnxOll.Cli.Tests.Learn;

/// <summary><c>learn --method</c>: a run with replay and Online-LoRA killed with SIGKILL resumes to the same PET tensors, metrics, method
/// state and replay files as one never stopped; an unknown method, or a resume with other methods, is refused with one line.</summary>
public sealed class MethodKillAndResumeTests : IDisposable
{
    private const string Pet = "lora:r=4,alpha=8,towers=both,targets=q+v";
    private const string Replay = "replay:memory=12,loss=all,batch=4";
    private const string OnlineLora = "online-lora:window=2,mean=100,variance=100,weight=50,buffer=2";
    private readonly TinyModelFolder tiny = new(seed: 11);

    [Fact]
    public void ResumeAfterSigkillGivesTheSameTensorsMetricsAndMemory()
    {
        int seed = Environment.TickCount & 0xffff;
        int killAfter = new Random(seed).Next(2, 12);
        string cache = Path.Combine(tiny.Root, "cache");
        string reference = Path.Combine(tiny.Root, "reference");
        CliProcess.RunToEnd(cache, Args(reference));

        string interrupted = Path.Combine(tiny.Root, "interrupted");
        string where = $"seed {seed}, killed after step {killAfter}";
        using (var child = CliProcess.Start(cache, Args(interrupted)))
        {
            CliProcess.KillAtCheckpoint(child, interrupted, killAfter, where);
        }

        CliProcess.RunToEnd(cache, [.. Args(interrupted), "--resume"]);
        var (expected, actual) = ResumedRun.AssertSameLatest(reference, interrupted, tiny.ModelDirectory, Pet, where, withState: true);
        Assert.Equal(expected.Step, actual.Step);

        Assert.Equal(expected.Plugins!.ToJsonString(), actual.Plugins!.ToJsonString());
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "metrics.jsonl")), File.ReadAllBytes(Path.Combine(interrupted, "metrics.jsonl")));
        var methods = JsonNode.Parse(File.ReadAllText(Path.Combine(reference, "summary.json")))!["methods"]!;
        Assert.Equal(methods.ToJsonString(), JsonNode.Parse(File.ReadAllText(Path.Combine(interrupted, "summary.json")))!["methods"]!.ToJsonString());
        Assert.True(methods["OnlineLora.consolidations"]!.GetValue<double>() >= 1, $"no consolidation: {methods}");
        var files = expected.Plugins["ReplayMemory"]!["json"]!["files"]!.AsArray().Select(f => f!.GetValue<string>()).ToArray();
        Assert.Equal(12, files.Length);
        foreach (string file in files)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(reference, "replay", file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(interrupted, "replay", file))),
                $"replay file {file} differs after resume ({where})");
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(interrupted, "replay"), ".*"));
    }

    [Fact]
    public void AnUnknownMethodOrAResumeWithOtherMethodsIsOneLine()
    {
        string run = Path.Combine(tiny.Root, "refused");
        ErrorLine.AssertInputError(CliFixture.Run([.. Args(run, "reply:memory=5")]), "'reply' is not a method; valid: distill, replay, online-lora");
        ErrorLine.AssertInputError(CliFixture.Run([.. Args(run, "replay:size=5")]), "key 'size' is unknown; valid: memory, loss, batch");
        Assert.False(Directory.Exists(run), $"{run} was written to");

        Assert.Equal(0, CliFixture.Invoke([.. Args(run, Replay), "--checkpoint-every", "1000"]));
        ErrorLine.AssertInputError(CliFixture.Run([.. Args(run, OnlineLora), "--resume"]), "methods: run has [\"replay:memory=12,loss=all,batch=4\"], given [\"online-lora:");
    }

    public void Dispose() => tiny.Dispose();

    private string[] Args(string run, params string[] methods)
    {
        string[] args =
        [
            "learn", "--model", tiny.ModelDirectory, "--data", "synthetic:colours=4,shapes=2,textures=1,train=20,test=4,seed=2",
            "--scenario", "si-blurry:n=50,m=10,tasks=3", "--pet", Pet, "--batch", "8", "--iters", "2", "--lr", "0.01",
            "--eval-every", "0", "--seed", "7", "--keep", "2", "--out", run, "--threads", "1",
        ];
        return [.. args, .. (methods.Length == 0 ? [Replay, OnlineLora] : methods).SelectMany(m => new[] { "--method", m })];
    }
}
