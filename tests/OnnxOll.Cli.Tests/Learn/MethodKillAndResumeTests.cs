using System.Text.Json.Nodes;
using OnnxOll.Cli.Tests.Errors;
using OnnxOll.Clip.Pet;
using OnnxOll.Clip.Tiny;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.TestSupport.Models;

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
        using (var child = CliProcess.Start(cache, Args(interrupted)))
        {
            var store = new CheckpointStore(interrupted);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (store.ListSteps().Count == 0 || store.ListSteps().Max() < killAfter)
            {
                Assert.False(child.HasExited, $"the run ended before it was killed (seed {seed}, kill after step {killAfter})");
                Assert.True(DateTime.UtcNow < deadline, "no checkpoints appeared");
                Thread.Sleep(5);
            }

            child.Kill();
            child.WaitForExit();
        }

        CliProcess.RunToEnd(cache, [.. Args(interrupted), "--resume"]);
        string hash = ModelHash.Compute(tiny.ModelDirectory);
        string spec = PetSpec.Parse(Pet).ToString();
        var expected = new CheckpointStore(reference).LoadLatest(hash, spec).Checkpoint!;
        var actual = new CheckpointStore(interrupted).LoadLatest(hash, spec).Checkpoint!;
        string where = $"(seed {seed}, killed after step {killAfter})";
        Assert.Equal(expected.Step, actual.Step);
        foreach (var (e, a) in expected.Tensors.Concat(expected.State!).Zip(actual.Tensors.Concat(actual.State!)))
        {
            Assert.Equal(e.Name, a.Name);
            Assert.True(e.Data.AsSpan().SequenceEqual(a.Data), $"tensor {e.Name} differs after resume {where}");
        }

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
                $"replay file {file} differs after resume {where}");
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
