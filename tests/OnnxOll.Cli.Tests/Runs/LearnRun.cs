namespace OnnxOll.Cli.Tests.Runs;

/// <summary>Arguments of a small, fast <c>learn</c> run (32 samples, 4 batches of 8, one thread).</summary>
internal static class LearnRun
{
    public const string Data = "synthetic:colours=2,shapes=2,textures=1,train=8,test=2,seed=3";

    public const string Pet = "lora:r=2,alpha=4,towers=image,targets=q+v";

    public static string[] Args(string model, string run, params string[] extra)
    {
        var args = new List<string>
        {
            "learn", "--model", model, "--data", Data, "--scenario", "disjoint:tasks=2", "--pet", Pet,
            "--batch", "8", "--iters", "1", "--lr", "0.01", "--eval-every", "0", "--out", run, "--threads", "1",
        };
        for (int i = 0; i < extra.Length; i++)
        {
            int at = extra[i].StartsWith("--", StringComparison.Ordinal) ? args.IndexOf(extra[i]) : -1;
            bool hasValue = i + 1 < extra.Length && !extra[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (at >= 0 && hasValue)
            {
                args[at + 1] = extra[++i];
            }
            else
            {
                args.Add(extra[i]);
            }
        }

        return [.. args];
    }

    /// <summary>Runs learn to its end and asserts it succeeded.</summary>
    public static void Complete(string model, string run, params string[] extra)
    {
        var (exit, error) = CliFixture.Run(Args(model, run, extra));
        Assert.True(exit == 0, $"learn exited with {exit}: {error}");
    }
}
