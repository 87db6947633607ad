using OnnxOll.Streams.Sources;
using OnnxOll.TestSupport;

namespace OnnxOll.Streams.Tests;

public sealed class StreamSpecsTests
{
    [Fact]
    public void ADataSetSpecOpensItsSplits()
    {
        using var opened = StreamSpecs.Open("synthetic:colours=2,shapes=2", new LiveStreamOptions(4));
        Assert.Null(opened.Live);
        Assert.NotNull(opened.DataSet);
        Assert.NotEmpty(opened.DataSet.Train.Labels);
    }

    [Fact]
    public void TheIngestLogOpensOnlyInAGivenFolder()
    {
        Assert.Throws<ArgumentException>(() => StreamSpecs.Open(IngestLogSource.Spec, new LiveStreamOptions(4)));
        using var dir = new TempDirectory();
        using var opened = StreamSpecs.Open(IngestLogSource.Spec, new LiveStreamOptions(4) { LogDirectory = dir.Path });
        Assert.Null(opened.DataSet);
        Assert.Equal(IngestLogSource.Spec, Assert.IsType<IngestLogSource>(opened.Live).DataSpec);
    }

    [Theory]
    [InlineData("synthetic")]
    [InlineData("redis://localhost:6379/stream")]
    public void CheckLiveRefusesADataSetOrAMalformedRedisSpec(string spec) =>
        Assert.Throws<ArgumentException>(() => StreamSpecs.CheckLive(spec));

    [Theory]
    [InlineData(IngestLogSource.Spec)]
    [InlineData("redis://localhost:6379/stream?group=g")]
    public void CheckLiveAcceptsTheIngestLogAndRedis(string spec) => StreamSpecs.CheckLive(spec);
}
