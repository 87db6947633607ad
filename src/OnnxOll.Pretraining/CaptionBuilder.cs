using OnnxOll.Clip.Text;

namespace OnnxOll.Pretraining;

/// <summary>Builds one caption per image: a template drawn at random, around the class name or (with a hierarchy, at the set
/// probability) the class-with-superclass phrase, e.g. "a photo of a maple tree, a kind of trees.", names written as learning writes them.</summary>
public sealed class CaptionBuilder(IReadOnlyList<string> templates, LabelHierarchy? hierarchy, string superclassPhrase, double superclassProbability)
{
    /// <summary>A caption builder from the pretraining settings.</summary>
    public CaptionBuilder(PretrainSettings settings, LabelHierarchy? hierarchy)
        : this(settings.Templates, hierarchy, settings.SuperclassPhrase, settings.SuperclassProbability)
    {
    }

    /// <summary>The class phrase with its superclass, or the plain name when the hierarchy does not know the class.</summary>
    public string SuperclassPhrase(string label) => hierarchy?.Superclass(label) is { } parent
        ? superclassPhrase.Replace("{class}", PromptTemplates.ClassText(label), StringComparison.Ordinal).Replace("{superclass}", PromptTemplates.ClassText(parent), StringComparison.Ordinal)
        : PromptTemplates.ClassText(label);

    /// <summary>The caption of one image of class <paramref name="label"/>, drawing the template and phrase from <paramref name="rng"/>.</summary>
    public string Caption(string label, Random rng)
    {
        string template = templates[rng.Next(templates.Count)];
        bool withParent = hierarchy is not null && rng.NextDouble() < superclassProbability;
        return template.Replace("{}", withParent ? SuperclassPhrase(label) : PromptTemplates.ClassText(label), StringComparison.Ordinal);
    }
}
