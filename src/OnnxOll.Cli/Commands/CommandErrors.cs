namespace OnnxOll.Cli.Commands;

/// <summary>Turns the expected failures of a command (bad files, bad specs, mismatched checkpoints) into one error line and exit code 1.</summary>
public static class CommandErrors
{
    /// <summary>Runs <paramref name="action"/>; an input error is printed to stderr as <c>error: message</c> and returns 1.</summary>
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or FormatException
            or KeyNotFoundException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
