using System.Diagnostics;
using OnnxOll.Cli.Tests.Learn;
using OnnxOll.TestSupport;
using OnnxOll.TestSupport.Images;
using Xunit.Abstractions;

namespace OnnxOll.Cli.Tests;

/// <summary>Every README example block runs as written, in order, in a fresh folder holding only <c>photo.png</c>: a README that lies fails CI.</summary>
public sealed class ReadmeExamplesTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryExampleRunsAsWritten()
    {
        var commands = ReadmeExamples.Commands(File.ReadAllText(ReadmeExamples.ReadmePath()));
        Assert.True(commands.Count >= 10, $"expected the README's example block after '{ReadmeExamples.Marker}', found {commands.Count} commands");
        using var folder = new TempDirectory();
        File.WriteAllBytes(folder.File("photo.png"), TestImages.Png(TestImages.Pattern(64, 48), 64, 48, StbImageWriteSharp.ColorComponents.RedGreenBlue));
        var total = Stopwatch.StartNew();
        foreach (var args in commands)
        {
            var clock = Stopwatch.StartNew();
            var (exit, stdout, stderr) = CliProcess.Capture(folder.Path, new Dictionary<string, string?> { ["ONNXOLL_CACHE"] = folder.File("cache") }, args);
            output.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s  onnxoll {string.Join(' ', args)}");
            Assert.True(exit == 0, $"README example 'onnxoll {string.Join(' ', args)}' exited with {exit}:\n{stderr}\n{stdout}");
        }

        output.WriteLine($"{total.Elapsed.TotalSeconds:F1} s for {commands.Count} commands");
    }

    [Fact]
    public void CommandsAreSplitAsAShellSplitsThem()
    {
        Assert.Equal(["predict", "--labels", "red circle,blue square", "--top", "2"], ReadmeExamples.Split("predict --labels \"red circle,blue square\" --top 2"));
        var commands = ReadmeExamples.Commands($"text\n{ReadmeExamples.Marker} -->\n```\nonnxoll a --x 'y z' \\\n  --w 1\nonnxoll b\n```\n```\nonnxoll not-marked\n```\n");
        Assert.Equal([["a", "--x", "y z", "--w", "1"], ["b"]], commands);
    }
}
