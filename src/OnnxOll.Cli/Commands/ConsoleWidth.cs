using System.Globalization;
using Spectre.Console;

namespace OnnxOll.Cli.Commands;

/// <summary>The width tables are laid out for: the terminal's on a terminal; when piped, <c>$COLUMNS</c> if set, else no limit
/// (Spectre.Console's default of 80 columns would cut and wrap piped tables).</summary>
public static class ConsoleWidth
{
    /// <summary>The width used when piped without <c>$COLUMNS</c>: wide enough that no table or path is ever cut.</summary>
    public const int Unlimited = 4096;

    /// <summary>The width for output that is <paramref name="redirected"/>, given <paramref name="columns"/> (the <c>COLUMNS</c> variable), or null to keep the terminal's.</summary>
    public static int? For(bool redirected, string? columns) =>
        !redirected ? null
        : int.TryParse(columns, NumberStyles.None, CultureInfo.InvariantCulture, out int width) && width > 0 ? width
        : Unlimited;

    /// <summary>Sets Spectre.Console's profile width for this process's standard output.</summary>
    public static void Apply()
    {
        if (For(Console.IsOutputRedirected, Environment.GetEnvironmentVariable("COLUMNS")) is { } width)
        {
            AnsiConsole.Profile.Width = width;
        }
    }
}
