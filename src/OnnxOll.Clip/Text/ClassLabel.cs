namespace OnnxOll.Clip.Text;

/// <summary>The one check of a class label given by a user (CLI <c>--labels</c>, the service's ingest and predict): trimmed, not empty,
/// at most <see cref="MaxLength"/> characters, no control character.</summary>
public static class ClassLabel
{
    /// <summary>The longest label accepted, in characters (a prompt longer than the text tower's context is cut anyway).</summary>
    public const int MaxLength = 200;

    /// <summary>The trimmed label; <paramref name="where"/> names its source in the message.</summary>
    /// <exception cref="ArgumentException">Empty, longer than <see cref="MaxLength"/>, or holding a control character.</exception>
    public static string Check(string? label, string where)
    {
        string trimmed = label?.Trim() ?? string.Empty;
        if (trimmed.Length == 0)
        {
            throw new ArgumentException($"{where}: label is missing or empty.");
        }

        if (trimmed.Length > MaxLength)
        {
            throw new ArgumentException($"{where}: label of {trimmed.Length} characters exceeds {MaxLength}.");
        }

        return trimmed.Any(char.IsControl) ? throw new ArgumentException($"{where}: label contains a control character.") : trimmed;
    }
}
