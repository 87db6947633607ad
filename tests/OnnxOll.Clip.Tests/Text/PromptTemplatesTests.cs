using OnnxOll.Clip.Text;
using Xunit;

namespace OnnxOll.Clip.Tests.Text;

/// <summary>Prompt template expansion of class names.</summary>
public sealed class PromptTemplatesTests
{
    // Columns: class name, prompt from the default template.
    [Theory]
    [InlineData("cat", "a bad photo of a cat.")]
    [InlineData("aquarium_fish", "a bad photo of a aquarium fish.")]
    [InlineData("sweet_pepper_", "a bad photo of a sweet pepper.")]
    [InlineData("Red Circle", "a bad photo of a Red Circle.")]
    public void Default_ExpandsOnePromptPerClass(string className, string expected) =>
        Assert.Equal([expected], PromptTemplates.Default.Expand(className));

    [Fact]
    public void SeveralTemplates_GiveOnePromptEachInOrder()
    {
        var templates = new PromptTemplates(["a photo of a {}.", "{}", "a drawing of the {}, small."]);
        Assert.Equal(["a photo of a pickup truck.", "pickup truck", "a drawing of the pickup truck, small."], templates.Expand("pickup_truck"));
    }

    // Columns: template that must be rejected.
    [Theory]
    [InlineData("no slot here")]
    [InlineData("{} and {}")]
    public void BadTemplate_IsRejectedNamingIt(string template)
    {
        var error = Assert.Throws<ArgumentException>(() => new PromptTemplates(["{}", template]));
        Assert.Contains("templates[1]", error.Message);
    }

    [Fact]
    public void EmptyList_IsRejected() =>
        Assert.Throws<ArgumentException>(() => new PromptTemplates([]));
}
