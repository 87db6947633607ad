using OnnxOll.Cli.Commands;

namespace OnnxOll.Cli.Tests.Errors;

/// <summary>Asserts the shape of a refused command: exit code 2 and exactly one <c>error: …</c> line naming what was wrong (warnings aside).</summary>
internal static class ErrorLine
{
    public static string AssertInputError((int Exit, string Error) result, params string[] mustContain)
    {
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("warning: ", StringComparison.Ordinal)).ToArray();
        Assert.True(result.Exit == CommandErrors.InputError, $"exit {result.Exit}, expected {CommandErrors.InputError}; stderr: {result.Error}");
        Assert.True(lines.Length == 1, $"expected one error line, got {lines.Length}: {result.Error}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("OnnxOll.", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", lines[0], StringComparison.Ordinal);
        foreach (var text in mustContain)
        {
            Assert.Contains(text, lines[0], StringComparison.Ordinal);
        }

        return lines[0];
    }
}
