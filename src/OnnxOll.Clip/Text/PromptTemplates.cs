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

    /// <summary>One prompt per template for <paramref name="className"/>; underscores in the class name become spaces.</summary>
    public IReadOnlyList<string> Expand(string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        string name = className.Replace('_', ' ').Trim();
        var prompts = new string[Templates.Count];
        for (int i = 0; i < prompts.Length; i++)
        {
            prompts[i] = Templates[i].Replace(Slot, name, StringComparison.Ordinal);
        }
        return prompts;
    }
}
