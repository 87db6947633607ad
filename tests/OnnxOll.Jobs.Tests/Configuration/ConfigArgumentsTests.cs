using OnnxOll.Jobs.Configuration;

namespace OnnxOll.Jobs.Tests.Configuration;

public sealed class ConfigArgumentsTests
{
    private static readonly string[] LearnOptions =
        ["model", "data", "lr", "weight-decay", "method", "prompt", "pet", "holdout", "holdout-classes", "no-reset", "eval-every", "out", "config"];

    private static ConfigEntry Entry(string key, params string[] values) => new(key, values, "cfg.json");

    [Fact]
    public void EachValueBecomesAnOptionAndAListRepeatsIt()
    {
        var args = ConfigArguments.ToArguments([Entry("lr", "1e-3"), Entry("method", "replay:memory=500", "distill:weight=1")], LearnOptions, new HashSet<string>(), skipUnknown: false);

        Assert.Equal(["--lr", "1e-3", "--method", "replay:memory=500", "--method", "distill:weight=1"], args);
    }

    [Fact]
    public void RunJsonNamesMapToTheirOptions()
    {
        var args = ConfigArguments.ToArguments(
            [Entry("pet_spec", "lora:r=4"), Entry("weight_decay", "1E-05"), Entry("prompts", "a {}."), Entry("holdout_classes", "0"),
             Entry("reset_optimizer_at_task_boundary", "false"), Entry("model_hash", "abc")],
            LearnOptions, new HashSet<string>(), skipUnknown: false);

        Assert.Equal(["--pet", "lora:r=4", "--weight-decay", "1E-05", "--prompt", "a {}.", "--holdout", "0", "--no-reset", "true"], args);
    }

    [Fact]
    public void OptionsAlreadyGivenWinAndJoinTheGivenSet()
    {
        var given = new HashSet<string> { "lr" };

        var first = ConfigArguments.ToArguments([Entry("lr", "0.1"), Entry("eval_every", "50")], LearnOptions, given, skipUnknown: false);
        var second = ConfigArguments.ToArguments([Entry("eval-every", "7")], LearnOptions, given, skipUnknown: false);

        Assert.Equal(["--eval-every", "50"], first);
        Assert.Empty(second);
    }

    [Fact]
    public void AnUnknownKeyIsRefusedWithTheNearestOption()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigArguments.ToArguments([Entry("wieght_decay", "0")], LearnOptions, new HashSet<string>(), skipUnknown: false));

        Assert.Equal("cfg.json: unknown key 'wieght_decay'; did you mean 'weight-decay'?", e.Message);
    }

    [Fact]
    public void AnUnknownKeyIsSkippedForARunsSettings()
    {
        var args = ConfigArguments.ToArguments([Entry("scenario", "iid"), Entry("lr", "0.5")], ["lr"], new HashSet<string>(), skipUnknown: true);

        Assert.Equal(["--lr", "0.5"], args);
    }
}
