namespace OnnxOll.Clip.Text;

/// <summary>Settings of a <see cref="ClipTokenizer"/>: context length, padding id and text cleaning.</summary>
public sealed class ClipTokenizerOptions
{
    /// <summary>Default number of token positions per text (CLIP's 77).</summary>
    public const int DefaultContextLength = 77;

    /// <summary>Number of token positions per text used by <see cref="ClipTokenizer.EncodeBatch(IReadOnlyList{string}, Span{long})"/>.</summary>
    public int ContextLength { get; init; } = DefaultContextLength;

    /// <summary>Id written after the end-of-text token; null means the end-of-text id (OpenAI CLIP), 0 is the other common choice.</summary>
    public int? PadId { get; init; }

    /// <summary>Whether HTML entities such as <c>&amp;amp;</c> are unescaped (twice, as OpenAI's basic_clean does) before tokenising.</summary>
    public bool HtmlUnescape { get; init; } = true;
}
