using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Runs;

namespace OnnxOll.Learning.Tests.Learner.Methods;

/// <summary><c>--method</c> specs: canonical text with defaults, one-line refusals naming the valid names and keys, and the methods
/// recorded in the run's settings so a resume with other methods is refused.</summary>
public sealed class MethodSpecTests
{
    [Fact]
    public void FillsDefaultsAndWritesEveryKeyInTheCatalogsOrder()
    {
        Assert.Equal("replay:memory=500,loss=all,batch=0", MethodSpec.Parse("replay").ToString());
        Assert.Equal("replay:memory=20,loss=sit,batch=0", MethodSpec.Parse("replay: loss=sit , memory=20").ToString());
        Assert.Equal("replay", MethodSpec.Parse("replay:memory=7").Name);
        Assert.Equal(7, MethodSpec.Parse("replay:memory=7").Integer("memory", 1));
    }

    [Fact]
    public void DdasAndClassVocabularyAreInTheCatalogWithTheirOwnDefaults()
    {
        Assert.Equal("ddas:hidden=64,lr=0.01,steps=2,quantile=0.95,samples=512", MethodSpec.Parse("ddas").ToString());
        Assert.Equal("class-vocabulary:momentum=0.25,old=0", MethodSpec.Parse("class-vocabulary:momentum=0.25").ToString());
        Assert.Contains("ThresholdQuantile", Assert.ThrowsAny<ArgumentException>(() => MethodSpec.Parse("ddas:quantile=2")).Message, StringComparison.Ordinal);
        Assert.Contains("Momentum", Assert.ThrowsAny<ArgumentException>(() => MethodSpec.Parse("class-vocabulary:momentum=1.5")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("reply:memory=5", "'reply' is not a method; valid: distill, replay")]
    [InlineData("replay:size=5", "key 'size' is unknown; valid: memory, loss, batch")]
    [InlineData("replay:memory=5,memory=6", "key 'memory' needs one value")]
    [InlineData("replay:memory", "key 'memory' needs one value")]
    [InlineData("replay:memory=0", "memory=0 is not an integer of at least 1")]
    [InlineData("replay:loss=seen", "loss=seen is not one of all, sit")]
    [InlineData("distill:weight=1", "key 'classes' is required")]
    [InlineData("distill:weight=-1,classes=x", "weight=-1 is not a number")]
    [InlineData("distill:classes=/no/such/file.txt", "classes file '/no/such/file.txt' does not exist")]
    public void RefusesWithOneLineNamingTheProblem(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => MethodSpec.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void TheSameMethodTwiceIsRefused()
    {
        var twice = new[] { MethodSpec.Parse("replay:memory=5"), MethodSpec.Parse("replay:memory=6") };
        var error = Assert.Throws<ArgumentException>(() => MethodCatalog.Create(twice, null!));
        Assert.Contains("'replay' is given 2 times", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MethodsAreFixedSettingsOfARunAndAbsentWhenNoneIsGiven()
    {
        var plain = new LearnerOptions();
        var replay = plain with { Methods = [MethodSpec.Parse("replay:memory=50")] };
        Assert.False(plain.ToJson().ContainsKey("methods"));
        Assert.Equal("[\"replay:memory=50,loss=all,batch=0\"]", replay.ToJson()["methods"]!.ToJsonString());

        var stored = RunSettings.Create("hash", "none", "synthetic", "iid", replay).Fixed;
        var differences = RunSettings.Create("hash", "none", "synthetic", "iid", plain).FixedDifferences(stored);
        Assert.Equal(["methods: run has [\"replay:memory=50,loss=all,batch=0\"], given (none)"], differences);
    }
}
