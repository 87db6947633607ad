using System.Net;
using System.Text.RegularExpressions;

namespace OnnxOll.Clip.Text;

/// <summary>CLIP's text cleaning: optional HTML unescape, whitespace collapse, strip, lower-case (OpenAI simple_tokenizer).</summary>
internal static partial class ClipTextCleaner
{
    public static string Clean(string text, bool htmlUnescape)
    {
        if (htmlUnescape && text.Contains('&'))
        {
            text = WebUtility.HtmlDecode(WebUtility.HtmlDecode(text));
        }
        return Whitespace().Replace(text, " ").Trim().ToLowerInvariant();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
