using OnnxOll.Cli.Tests.Errors;

namespace OnnxOll.Cli.Tests.Learn;

/// <summary><c>learn --out RUN --resume</c> takes every setting from <c>RUN/run.json</c>; <c>--config FILE</c> gives settings by option name.</summary>
[Collection(CliCollection.Name)]
public sealed class ResumeFromRunTests(CliFixture fixture)
{
    private const string Data = "synthetic:colours=2,shapes=1,textures=1,train=8,test=2,size=32,seed=3";

    [Fact]
    public void ResumeTakesTheRunsSettingsAndRefusesAFixedOneChanged()
    {
        string run = fixture.PathFor("resume-from-run/run");
        Assert.Equal(0, CliFixture.Invoke("learn", "--model", fixture.ModelDirectory, "--data", Data, "--out", run, "--batch", "4", "--lr", "0.01",
            "--scenario", "iid", "--eval-every", "0", "--threads", "1"));

        var same = CliFixture.Run("learn", "--out", run, "--resume", "--eval-every", "8", "--threads", "1");
        var changed = CliFixture.Run("learn", "--out", run, "--resume", "--lr", "0.5");

        Assert.True(same.Exit == 0, same.Error);
        ErrorLine.AssertInputError(changed, "lr: run has 0.01, given 0.5");
    }

    [Fact]
    public void AConfigFileGivesTheOptionsAndTheCommandLineWins()
    {
        string config = fixture.PathFor("config/learn.json");
        File.WriteAllText(config, $$"""{"model": {{System.Text.Json.JsonSerializer.Serialize(fixture.ModelDirectory)}}, "data": "{{Data}}", "batch": 4, "lr": 1e-2, "scenario": "iid", "eval_every": 0}""");
        string run = fixture.PathFor("config/run");

        Assert.Equal(0, CliFixture.Invoke("learn", "--config", config, "--out", run, "--batch", "8", "--threads", "1"));
        string recorded = File.ReadAllText(Path.Combine(run, "run.json"));
        Assert.Contains("\"batch\": 8", recorded, StringComparison.Ordinal);
        Assert.Contains("\"lr\": \"0.01\"", recorded, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownConfigKeyIsRefusedWithASuggestion()
    {
        string config = fixture.PathFor("config/typo.json");
        File.WriteAllText(config, """{"lrr": 0.1}""");

        ErrorLine.AssertInputError(CliFixture.Run("learn", "--config", config, "--out", fixture.PathFor("config/typo-run")), config, "unknown key 'lrr'; did you mean 'lr'?");
    }
}
