using System.Text;

namespace OnnxOll.Cli.Tests;

/// <summary>The README's runnable example blocks (each fenced block after a <c>&lt;!-- readme-examples</c> marker), as command lines.</summary>
internal static class ReadmeExamples
{
    public const string Marker = "<!-- readme-examples";

    /// <summary>The repository's README.md, found upwards from the test binaries.</summary>
    public static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OnnxOll.sln")))
            {
                return Path.Combine(dir.FullName, "README.md");
            }
        }

        throw new FileNotFoundException("README.md: no OnnxOll.sln above the test binaries.");
    }

    /// <summary>Every command of the marked blocks in order, each as its arguments after <c>onnxoll</c>; lines ending in <c>\</c> continue.</summary>
    public static IReadOnlyList<string[]> Commands(string readme)
    {
        var commands = new List<string[]>();
        var lines = readme.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(Marker, StringComparison.Ordinal))
            {
                continue;
            }

            int open = Array.FindIndex(lines, i + 1, l => l.StartsWith("```", StringComparison.Ordinal));
            var command = new StringBuilder();
            for (i = open + 1; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                string line = lines[i].Trim();
                bool continues = line.EndsWith('\\');
                command.Append(continues ? line[..^1] : line).Append(' ');
                if (!continues && command.ToString().Trim() is { Length: > 0 } text)
                {
                    var words = Split(text);
                    Assert.True(words[0] == "onnxoll", $"README example '{text}' does not start with onnxoll");
                    commands.Add(words[1..]);
                    command.Clear();
                }
            }
        }

        return commands;
    }

    /// <summary>Splits a command line as a POSIX shell does for words and double or single quotes (no variables or escapes).</summary>
    public static string[] Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in line)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return [.. words];
    }
}
