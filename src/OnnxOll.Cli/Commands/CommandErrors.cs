using System.CommandLine;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace OnnxOll.Cli.Commands;

/// <summary>The one error path of every command: a failure becomes one line on stderr (<c>error: …</c>) and an exit code.</summary>
public static partial class CommandErrors
{
    /// <summary>Exit code of bad input: a missing or malformed file, a bad option value, a mismatched run.</summary>
    public const int InputError = 2;

    /// <summary>Exit code of an internal error (a bug): the message says so and <c>--verbose</c> shows the stack trace.</summary>
    public const int InternalError = 1;

    private const int MaxLineLength = 400;

    /// <summary>Prints <paramref name="e"/> as one line (plus the stack trace when <paramref name="verbose"/>) and returns its exit code.</summary>
    public static int Report(Exception e, bool verbose, TextWriter error)
    {
        bool input = IsInputError(e);
        string message = input ? OneLine(UserMessage(e)) : OneLine($"internal error ({e.GetType().Name}): {e.Message}")
            + (verbose ? string.Empty : " (rerun with --verbose for the stack trace)");
        error.WriteLine($"error: {message}");
        if (verbose)
        {
            error.WriteLine(e.ToString());
        }

        return input ? InputError : InternalError;
    }

    /// <summary>Prints the parse errors of a command line as one line, with System.CommandLine's typo corrections ("did you mean …")
    /// for unmatched words, and returns <see cref="InputError"/>.</summary>
    public static int ReportParseErrors(ParseResult parse, TextWriter error)
    {
        var command = parse.CommandResult.Command;
        string help = command.Parents.Any() ? $"onnxoll {command.Name} --help" : "onnxoll --help";
        var suggestions = TypoCorrections.Of(parse);
        var messages = parse.Errors.Select(e => e.Message.Trim().TrimEnd('.')).Distinct().Select(m => WithSuggestion(m, suggestions));
        error.WriteLine($"error: {OneLine(string.Join("; ", messages))} (see {help})");
        return InputError;
    }

    // System.CommandLine's message quotes the unmatched word: "Unrecognized command or argument 'lern'".
    private static string WithSuggestion(string message, IReadOnlyDictionary<string, IReadOnlyList<string>> suggestions) =>
        suggestions.FirstOrDefault(s => message.EndsWith($"'{s.Key}'", StringComparison.Ordinal)) is { Key: not null } match
            ? $"{message} (did you mean {string.Join(" or ", match.Value)}?)"
            : message;

    /// <summary>Prints a warning as one line on stderr (<c>warning: …</c>), where every command's warnings go.</summary>
    public static void Warn(string message) => Console.Error.WriteLine($"warning: {OneLine(message)}");

    /// <summary>Whether <paramref name="e"/> reports bad input (files, specs, options, run folders) rather than a bug.</summary>
    public static bool IsInputError(Exception e) =>
        e is IOException or InvalidDataException or ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException
            or UnauthorizedAccessException or JsonException or OnnxRuntimeException
        && e is not ObjectDisposedException;

    // An ArgumentException appends " (Parameter 'name')", a code name the user never typed; System.Text.Json names .NET types
    // ("An element of type 'String' cannot be converted to a 'System.Int32'") where a JSON reader did not name the field itself.
    private static string UserMessage(Exception e)
    {
        string message = e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;
        return JsonConversion().Replace(message, m => $"a JSON {m.Groups[1].Value.ToLowerInvariant()} where {Expected(m.Groups[2].Value)} was expected");
    }

    private static string Expected(string type) => type switch
    {
        "System.String" => "a string",
        "System.Boolean" => "true or false",
        "System.Int16" or "System.Int32" or "System.Int64" or "System.UInt32" or "System.UInt64" => "an integer",
        "System.Single" or "System.Double" or "System.Decimal" => "a number",
        _ => "another kind of value",
    };

    [GeneratedRegex(@"An element of type '(\w+)' cannot be converted to a '([\w.]+)'\.?")]
    private static partial Regex JsonConversion();

    /// <summary>Collapses line breaks and cuts a very long message (e.g. one quoting a huge input line) to one readable line.</summary>
    public static string OneLine(string message)
    {
        string line = LineBreaks().Replace(message.Trim(), " | ");
        return line.Length <= MaxLineLength ? line : line[..(MaxLineLength - 1)] + "…";
    }

    [GeneratedRegex(@"\s*[\r\n]+\s*")]
    private static partial Regex LineBreaks();
}
