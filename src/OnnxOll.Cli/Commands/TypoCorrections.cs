using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text.RegularExpressions;

namespace OnnxOll.Cli.Commands;

/// <summary>System.CommandLine's own typo corrections (<see cref="ParseErrorAction.ShowTypoCorrections"/>: commands and options
/// within a small edit distance of an unmatched word), captured instead of printed so they join the one error line.</summary>
public static partial class TypoCorrections
{
    /// <summary>Each unmatched word of <paramref name="parse"/> with the command and option names it may have meant (words without one are left out).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Of(ParseResult parse)
    {
        var corrections = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (parse.Action is not ParseErrorAction action)
        {
            return corrections;
        }

        action.ShowHelp = false;
        action.ShowTypoCorrections = true;
        var output = new StringWriter();
        parse.Invoke(new InvocationConfiguration { Output = output, Error = TextWriter.Null, EnableDefaultExceptionHandler = false });
        string? word = null;
        var names = new List<string>();
        foreach (string line in output.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var header = NotMatched().Match(line);
            if (header.Success)
            {
                Add(corrections, word, names);
                word = header.Groups[1].Value;
                names = [];
            }
            else if (word is not null)
            {
                names.Add(line);
            }
        }

        Add(corrections, word, names);
        return corrections;
    }

    private static void Add(Dictionary<string, IReadOnlyList<string>> corrections, string? word, List<string> names)
    {
        if (word is not null && names.Count > 0)
        {
            corrections[word] = names;
        }
    }

    [GeneratedRegex(@"^'(.*)' was not matched\.")]
    private static partial Regex NotMatched();
}
