using OnnxOll.TestSupport.Images;

namespace OnnxOll.Cli.Tests.Errors;

/// <summary><c>learn</c> refuses bad options, specs and folders with one line and exit code 2, before touching any run folder.</summary>
[Collection(CliCollection.Name)]
public sealed class LearnErrorTests(CliFixture fixture)
{
    private const string Data = "synthetic:colours=3,shapes=2,textures=1,train=16,test=2,seed=2";

    public static TheoryData<string, string, string, string> Cases => new()
    {
        // option, value, text the line must hold, second text
        { "--data", "bogus:x", "bogus", "expected one of folder, tar" },
        { "--data", "folder:/no/such/folder", "/no/such/folder", "" },
        { "--scenario", "disjoint:taks=3", "disjoint:taks=3", "taks" },
        { "--pet", "lora:q=1", "lora:q=1", "'q'" },
        { "--batch", "0", "--batch 0", "expected at least 1" },
        { "--iters", "0", "--iters 0", "expected at least 1" },
        { "--lr", "-1", "--lr -1", "expected at least 0" },
        { "--loss", "foo", "--loss 'foo'", "expected one of sit, all" },
        { "--provider", "gpu", "--provider 'gpu'", "expected one of cpu, cuda" },
        { "--keep", "0", "--keep 0", "expected at least 1" },
        { "--prompt", "nobraces", "--prompt 'nobraces'", "expected the slot '{}' exactly once" },
        { "--pet", "none", "PET spec 'none' has no tensors to train", "" },
        { "--holdout", "1000", "Cannot hold out 1000 of 6 classes", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void BadOptionIsOneLine(string option, string value, string text, string other)
    {
        string run = fixture.PathFor($"learn-errors/{option.TrimStart('-')}-{value.GetHashCode():x8}");
        var result = CliFixture.Run(Args(fixture.ModelDirectory, run, option, value));
        ErrorLine.AssertInputError(result, [.. new[] { text, other }.Where(t => t.Length > 0)]);
        Assert.False(Directory.Exists(run) && Directory.EnumerateFileSystemEntries(run).Any(), $"{run} was written to");
    }

    [Fact]
    public void MissingModelFolderIsNamed()
    {
        string missing = fixture.PathFor("no-model-here");
        ErrorLine.AssertInputError(CliFixture.Run(Args(missing, fixture.PathFor("learn-errors/nomodel"))), missing);
    }

    [Fact]
    public void UnknownHeldOutClassNamesTheFileAndLeavesNoRunFolder()
    {
        string list = fixture.PathFor("learn-errors/holdout.txt");
        File.WriteAllText(list, "no such class\n");
        string run = fixture.PathFor("learn-errors/holdout-run");
        ErrorLine.AssertInputError(CliFixture.Run(Args(fixture.ModelDirectory, run, "--holdout-classes", list)), list, "not in the data: no such class");
        Assert.False(Directory.Exists(run), $"{run} was left behind");
        ErrorLine.AssertInputError(CliFixture.Run(Args(fixture.ModelDirectory, run, "--holdout-classes", list)), list, "not in the data");
    }

    [Fact]
    public void DamagedConfigIsNamed()
    {
        string model = fixture.CopyModel("learn-bad-config");
        string config = Path.Combine(model, "config.json");
        File.WriteAllText(config, "{\"text_config\": 5}");
        string run = fixture.PathFor("learn-errors/bad-config");
        ErrorLine.AssertInputError(CliFixture.Run(Args(model, run)), config, "text_config");
        Assert.False(Directory.Exists(run) && Directory.EnumerateFileSystemEntries(run).Any(), $"{run} was written to");
    }

    [Fact]
    public void StrictImageFailureIsOneLineAndSavesNothing()
    {
        string data = fixture.PathFor("learn-errors/strict-data/x");
        data = Path.GetDirectoryName(data)!;
        foreach (var (name, seed) in new[] { ("a", 1), ("b", 2) })
        {
            Directory.CreateDirectory(Path.Combine(data, "train", name));
            Directory.CreateDirectory(Path.Combine(data, "test", name));
            Bitmap.WriteRandom(Path.Combine(data, "train", name, "0.bmp"), 8, 8, seed);
            Bitmap.WriteRandom(Path.Combine(data, "test", name, "0.bmp"), 8, 8, seed + 10);
        }

        string broken = Path.Combine(data, "train", "b", "broken.bmp");
        File.WriteAllBytes(broken, File.ReadAllBytes(Path.Combine(data, "train", "a", "0.bmp"))[..30]);
        string run = fixture.PathFor("learn-errors/strict");

        ErrorLine.AssertInputError(CliFixture.Run(Args(fixture.ModelDirectory, run, "--data", $"folder:{data}", "--scenario", "iid", "--batch", "4", "--strict", "true")), broken, "truncated");
        Assert.False(Directory.Exists(run), "a run that failed before its first checkpoint left its folder behind");
    }

    [Fact]
    public void VerboseAddsTheStackTrace()
    {
        var (exit, error) = CliFixture.Run([.. Args(fixture.ModelDirectory, fixture.PathFor("learn-errors/verbose"), "--data", "bogus:x"), "--verbose"]);
        Assert.Equal(Commands.CommandErrors.InputError, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("   at ", error, StringComparison.Ordinal);
    }

    private static string[] Args(string model, string run, params string[] extra)
    {
        var args = new List<string> { "learn", "--model", model, "--data", Data, "--out", run, "--eval-every", "0", "--threads", "1" };
        for (int i = 0; i < extra.Length; i += 2)
        {
            int at = args.IndexOf(extra[i]);
            if (at >= 0)
            {
                args[at + 1] = extra[i + 1];
            }
            else
            {
                args.AddRange([extra[i], extra[i + 1]]);
            }
        }

        return [.. args];
    }
}
