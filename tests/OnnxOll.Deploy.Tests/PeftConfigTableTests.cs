using System.Runtime.CompilerServices;
using OnnxOll.Deploy.Peft;

namespace OnnxOll.Deploy.Tests;

/// <summary>The README's table of adapter_config.json fields is the code's (<see cref="PeftConfigFields"/>): every LoraConfig field, how it is
/// treated and why, row for row.</summary>
public sealed class PeftConfigTableTests
{
    [Fact]
    public void TheReadmeTableListsEveryFieldAsTheCodeTreatsIt()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        string expected = string.Join("\n", PeftConfigFields.All.Select(Row));
        Assert.True(readme.Contains(expected, StringComparison.Ordinal), $"README.md should hold these rows (under '| field | OnnxOll | why |'):\n{expected}");
        Assert.Equal(PeftConfigFields.All.Count, PeftConfigFields.All.Select(f => f.Name).Distinct().Count());
    }

    private static string Row(PeftConfigField field) => $"| `{field.Name}` | {field.Use.ToString().ToLowerInvariant()} | {field.Why} |";

    private static string RepositoryRoot([CallerFilePath] string source = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(source)! })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OnnxOll.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("OnnxOll.sln not found above the test binaries or this source file.");
    }
}
