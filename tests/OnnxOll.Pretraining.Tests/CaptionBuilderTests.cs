using OnnxOll.TestSupport;

namespace OnnxOll.Pretraining.Tests;

public sealed class CaptionBuilderTests
{
    private static readonly LabelHierarchy Cifar = LabelHierarchy.FromParents(new Dictionary<string, string>
    {
        ["maple_tree"] = "trees",
        ["bicycle"] = "vehicles_1",
        ["tractor"] = "vehicles_2",
        ["dolphin"] = "aquatic_mammals",
    });

    // Columns: class, expected class phrase with its superclass (a _<n> suffix that only disambiguates superclasses is dropped).
    [Theory]
    [InlineData("maple_tree", "maple tree, a kind of trees")]
    [InlineData("bicycle", "bicycle, a kind of vehicles")]
    [InlineData("tractor", "tractor, a kind of vehicles")]
    [InlineData("dolphin", "dolphin, a kind of aquatic mammals")]
    [InlineData("unknown_class", "unknown class")]
    public void SuperclassPhraseNamesTheParent(string label, string expected)
    {
        var builder = new CaptionBuilder(["a photo of a {}."], Cifar, "{class}, a kind of {superclass}", 1.0);
        Assert.Equal(expected, builder.SuperclassPhrase(label));
        Assert.Equal($"a photo of a {expected}.", builder.Caption(label, new Random(1)));
    }

    [Fact]
    public void CaptionsDrawTemplatesAndPhrasesBySeed()
    {
        var builder = new CaptionBuilder(["a photo of a {}.", "a blurry photo of a {}."], Cifar, "{class}, a kind of {superclass}", 0.5);
        var first = Enumerable.Range(0, 200).Select(i => builder.Caption("maple_tree", new Random(i))).ToArray();
        var again = Enumerable.Range(0, 200).Select(i => builder.Caption("maple_tree", new Random(i))).ToArray();
        Assert.Equal(first, again);
        Assert.Equal(4, first.Distinct().Count());
        int withParent = first.Count(c => c.Contains("a kind of trees", StringComparison.Ordinal));
        Assert.InRange(withParent, 70, 130);
    }

    [Fact]
    public void WithoutHierarchyTheCaptionIsTheTemplate()
    {
        var builder = new CaptionBuilder(["a photo of a {}."], null, "{class}, a kind of {superclass}", 1.0);
        Assert.Equal("a photo of a maple tree.", builder.Caption("maple_tree", new Random(3)));
    }

    // The class-name text a pretrained model saw is the text learning and evaluation prompt it with.
    [Theory]
    [InlineData("sweet_pepper")]
    [InlineData("maple_tree")]
    [InlineData("aquarium_fish")]
    [InlineData("bicycle")]
    public void PretrainingCaptionEqualsTheLearnersPrompt(string label)
    {
        const string template = "a bad photo of a {}.";
        var builder = new CaptionBuilder([template], null, "{class}, a kind of {superclass}", 0);
        Assert.Equal(new OnnxOll.Clip.Text.PromptTemplates([template]).Expand(label)[0], builder.Caption(label, new Random(5)));
    }

    [SharedDataFact("cifar100_jpg/coarse_to_fine.json")]
    public void CifarHierarchyFileGivesTheCoarseLabel()
    {
        var hierarchy = LabelHierarchy.Load(SharedData.Find("cifar100_jpg/coarse_to_fine.json")!);
        Assert.Equal("trees", hierarchy.Superclass("maple"));
        Assert.Equal("aquatic_mammals", hierarchy.Superclass("dolphin"));
        Assert.Equal("vehicles", hierarchy.Superclass("bicycle"));
        Assert.Equal("fruit_and_vegetables", hierarchy.Superclass("sweet_pepper"));
    }

    [Fact]
    public void AClassUnderTwoSuperclassesIsRefusedNamingTheFile()
    {
        using var temp = new TempDirectory();
        string path = temp.File("hierarchy.json");
        File.WriteAllText(path, """{"a": ["x", "y"], "b": ["y"]}""");
        var e = Assert.Throws<InvalidDataException>(() => LabelHierarchy.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("'y'", e.Message, StringComparison.Ordinal);
    }
}
