using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Streams.Tests.Scenarios;

public class TestSplitTests
{
    private static readonly string[] Labels = ["b", "a", "b", "c", "a", "b", "b", "c"];

    [Fact]
    public void IndicesFor_SeenClassesOnly_Sorted()
    {
        var split = new TestSplit(Labels);
        Assert.Equal(["a", "b", "c"], split.Classes);
        Assert.Equal([1, 3, 4, 7], split.IndicesFor(["c", "a", "zebra"]));
        Assert.Empty(split.IndicesFor([]));
    }

    [Fact]
    public void IndicesFor_CapPerClass_IsSeededAndIndependentOfOtherClasses()
    {
        var split = new TestSplit(Labels);
        var onlyB = split.IndicesFor(["b"], maxPerClass: 2, seed: 5);
        Assert.Equal(2, onlyB.Count);
        Assert.All(onlyB, i => Assert.Equal("b", Labels[i]));
        Assert.Equal(onlyB, split.IndicesFor(["b"], maxPerClass: 2, seed: 5));
        var withA = split.IndicesFor(["a", "b"], maxPerClass: 2, seed: 5);
        Assert.Equal(onlyB, withA.Where(i => Labels[i] == "b"));
        Assert.Equal([1, 4], withA.Where(i => Labels[i] == "a"));
        Assert.Throws<ArgumentOutOfRangeException>(() => split.IndicesFor(["a"], maxPerClass: 0));
    }
}
