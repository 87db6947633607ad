using OnnxOll.Cli.Tests.Learn;
using OnnxOll.TestSupport;

namespace OnnxOll.Cli.Tests.Pretrain;

/// <summary>SIGKILL of <c>onnxoll pretrain</c> at a random checkpoint, then <c>--resume</c>: the written weights are bit-identical to an uninterrupted run.</summary>
public sealed class PretrainKillAndResumeTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void ResumeAfterSigkillGivesBitIdenticalWeights()
    {
        int seed = Environment.TickCount & 0xffff;
        int killAfter = new Random(seed).Next(2, 20);
        var (recipe, tokenizer) = MicroRecipe.Write(temp.Path, epochs: 3);
        string cache = Path.Combine(temp.Path, "cache");
        string[] Args(string model) =>
            ["pretrain", "--recipe", recipe, "--data", MicroRecipe.Data, "--tokenizer", tokenizer, "--out", model, "--seed", "5",
             "--checkpoint-every", "1", "--threads", "1"];

        string reference = Path.Combine(temp.Path, "reference");
        CliProcess.RunToEnd(cache, Args(reference));

        string interrupted = Path.Combine(temp.Path, "interrupted");
        using (var child = CliProcess.Start(cache, Args(interrupted)))
        {
            CliProcess.KillAtCheckpoint(child, Path.Combine(interrupted, "pretrain-run"), killAfter, $"seed {seed}, kill after step {killAfter}");
        }

        Assert.False(File.Exists(Path.Combine(interrupted, "model.safetensors")), "the killed run must not have written its model");
        CliProcess.RunToEnd(cache, [.. Args(interrupted), "--resume"]);
        byte[] expected = File.ReadAllBytes(Path.Combine(reference, "model.safetensors"));
        byte[] actual = File.ReadAllBytes(Path.Combine(interrupted, "model.safetensors"));
        Assert.True(expected.AsSpan().SequenceEqual(actual), $"weights differ after SIGKILL at step {killAfter} and resume (seed {seed})");
        Assert.Equal(File.ReadAllText(Path.Combine(reference, "pretrain_classes.txt")), File.ReadAllText(Path.Combine(interrupted, "pretrain_classes.txt")));
    }

    public void Dispose() => temp.Dispose();
}
