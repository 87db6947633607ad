namespace OnnxOll.Clip.Text;

/// <summary>Prompt templates with a <c>{}</c> slot that turn a class name into one prompt per template.</summary>
/// <remarks>Several templates give several prompts per class; their text embeddings are averaged later.</remarks>
public sealed class PromptTemplates
{
    /// <summary>The slot replaced by the class name.</summary>
    public const string Slot = "{}";

    /// <summary>The single template used by default, as in the OnnxOll method description.</summary>
    public const string DefaultTemplate = "a bad photo of a {}.";

    /// <summary>Creates templates; each must contain <see cref="Slot"/> exactly once.</summary>
    public PromptTemplates(IReadOnlyList<string> templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        if (templates.Count == 0)
        {
            throw new ArgumentException("templates: expected at least one template, got none.", nameof(templates));
        }
        for (int i = 0; i < templates.Count; i++)
        {
            var t = templates[i] ?? throw new ArgumentException($"templates[{i}] is null.", nameof(templates));
            int first = t.IndexOf(Slot, StringComparison.Ordinal);
            if (first < 0 || t.IndexOf(Slot, first + Slot.Length, StringComparison.Ordinal) >= 0)
            {
                throw new ArgumentException($"templates[{i}] '{t}': expected the slot '{Slot}' exactly once.", nameof(templates));
            }
        }
        Templates = templates.ToArray();
    }

    /// <summary>Templates holding only <see cref="DefaultTemplate"/>.</summary>
    public static PromptTemplates Default { get; } = new([DefaultTemplate]);

    /// <summary>The templates in order.</summary>
    public IReadOnlyList<string> Templates { get; }

    /// <summary>The words a class name stands for in every caption and prompt (pretraining, learning, evaluation): underscores
    /// become spaces ("sweet_pepper" → "sweet pepper").</summary>
    public static string ClassText(string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        return className.Replace('_', ' ').Trim();
    }

    /// <summary>One prompt per template for <paramref name="className"/>, written as <see cref="ClassText"/>.</summary>
    public IReadOnlyList<string> Expand(string className)
    {
        string name = ClassText(className);
        var prompts = new string[Templates.Count];
        for (int i = 0; i < prompts.Length; i++)
        {
            prompts[i] = Templates[i].Replace(Slot, name, StringComparison.Ordinal);
        }
        return prompts;
    }
}
