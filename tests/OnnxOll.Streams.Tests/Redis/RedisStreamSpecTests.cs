using OnnxOll.Streams.Redis;

namespace OnnxOll.Streams.Tests.Redis;

public sealed class RedisStreamSpecTests
{
    [Fact]
    public void ParsesHostPortStreamGroupAndOptions()
    {
        var spec = RedisStreamSpec.Parse("redis://127.0.0.1:6391/cam%2F1?group=g1&consumer=dev7&max_wait_ms=500&end_idle_ms=1500");

        Assert.Equal(("127.0.0.1", 6391, "cam/1", "g1", "dev7"), (spec.Host, spec.Port, spec.Stream, spec.Group, spec.Consumer));
        Assert.Equal(TimeSpan.FromMilliseconds(500), spec.MaxWait);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), spec.EndIdle);
        Assert.Equal(6379, RedisStreamSpec.Parse("redis://localhost/s?group=g").Port);
    }

    [Theory]
    [InlineData("redis://host:1/s", "parameter 'group' is missing")]
    [InlineData("redis://host:1/?group=g", "stream key")]
    [InlineData("redis://host:1/s?group=g&colour=red", "unknown parameter 'colour'")]
    [InlineData("redis://host:1/s?group=g&max_wait_ms=-3", "max_wait_ms '-3'")]
    public void RefusesAMalformedSpecNamingThePart(string text, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisStreamSpec.Parse(text));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0-1")]
    [InlineData("1733054400000-0")]
    [InlineData("1733054400000-1048575")]
    public void EntryIdsRoundTripThroughMonotonicCursors(string id)
    {
        Assert.Equal(id, RedisEntryId.FromCursor(RedisEntryId.ToCursor(id)));
        Assert.True(RedisEntryId.ToCursor("1733054400001-0") > RedisEntryId.ToCursor("1733054400000-1048575"));
    }
}
