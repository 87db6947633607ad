using System.Text.Json;
using System.Text.RegularExpressions;
using OnnxOll.Autodiff.Checking;
using OnnxOll.Cli.Commands;
using OnnxOll.Cli.Tests.Learn;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Metrics;
using OnnxOll.TestSupport.Images;
using Spectre.Console;

namespace OnnxOll.Cli.Tests;

/// <summary>What commands print: a progress line that fits, piped tables at their full width, cells broken between words, and <c>--json</c>.</summary>
[Collection(CliCollection.Name)]
public sealed partial class OutputTests(CliFixture fixture)
{
    private static readonly LearnerProgress Busy = new(SamplesSeen: 12345, TotalSamples: 50000, Task: 3, Classes: 87, LossAverage: 1.2345, LossBatches: 16,
        LastAccuracy: 0.456, SkippedSteps: 0, SkippedSamples: 0);

    [Fact]
    public void TheLiveProgressLineKeepsTheAccuracyAt80Columns()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 80;
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = console;
        try
        {
            LearnProgressView.Run((progress, _) =>
            {
                progress.Report(Busy);
                return new LearnerResult(new MetricsSummary(12345, 3, null, null, null, null, null, null), [], true, 1, 0, 0, 12345, 1);
            }, "learning tiny (lora:r=4,alpha=1,towers=both,targets=q+v)");
        }
        finally
        {
            AnsiConsole.Console = previous;
        }

        string shown = AnsiEscapes().Replace(writer.ToString(), string.Empty);
        Assert.True(shown.Contains($"acc {0.456:P1}", StringComparison.Ordinal) && shown.Contains("12345/50000 samples", StringComparison.Ordinal),
            $"the progress line lost its accuracy or sample count at 80 columns:\n{shown}");
        Assert.True(LearnProgressView.Describe(Busy, 10, LearnProgressView.DescriptionWidth(80)).Length <= LearnProgressView.DescriptionWidth(80));
    }

    [Fact]
    public void PipedTablesAreLaidOutForColumnsOrWithoutALimit()
    {
        Assert.Null(ConsoleWidth.For(redirected: false, "200"));
        Assert.Equal(200, ConsoleWidth.For(redirected: true, "200"));
        Assert.Equal(ConsoleWidth.Unlimited, ConsoleWidth.For(redirected: true, null));
        Assert.Equal(ConsoleWidth.Unlimited, ConsoleWidth.For(redirected: true, "wide"));

        string image = fixture.PathFor("wide.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 5);
        string label = string.Join(' ', Enumerable.Repeat("a very long label that once broke", 4));
        foreach (string? columns in new[] { null, "200" })
        {
            var (exit, stdout, stderr) = Cli(new Dictionary<string, string?> { ["COLUMNS"] = columns }, "predict", "--model", fixture.ModelDirectory, "--image", image, "--labels", $"cat,{label}");
            Assert.True(exit == 0, stderr);
            Assert.True(stdout.Split('\n').Any(l => l.Contains(label, StringComparison.Ordinal)), $"COLUMNS={columns}: the {label.Length}-character label is cut or wrapped:\n{stdout}");
        }
    }

    [Fact]
    public void GradcheckBreaksCellsBetweenWordsAt80ColumnsAndPrintsJson()
    {
        var (exit, stdout, stderr) = Cli(new Dictionary<string, string?> { ["COLUMNS"] = "80" }, "gradcheck", "--op", "LayerNormalization");
        Assert.True(exit == 0, stderr);
        var cases = GradientCheckCases.All.Where(c => c.OpType.Contains("LayerNormalization", StringComparison.OrdinalIgnoreCase)
            || c.Name.Contains("LayerNormalization", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            Assert.True(stdout.Contains(c.Name, StringComparison.Ordinal), $"case '{c.Name}' is broken or cut at 80 columns:\n{stdout}");
        }

        Assert.All(stdout.Split('\n'), l => Assert.True(l.TrimEnd().Length <= 80, $"line wider than 80 columns: {l}"));
        var json = Cli(new Dictionary<string, string?>(), "gradcheck", "--op", "LayerNormalization", "--json");
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(cases.Count, document.RootElement.GetProperty("cases").GetArrayLength());
        Assert.True(document.RootElement.GetProperty("cases")[0].GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void EvalPredictAndLearnPrintOneJsonDocument()
    {
        const string data = "synthetic:colours=2,shapes=1,textures=1,train=8,test=2,seed=1";
        string run = fixture.PathFor("json-run");
        var learn = Cli(new Dictionary<string, string?>(), "learn", "--model", fixture.ModelDirectory, "--data", data, "--scenario", "iid", "--batch", "4",
            "--iters", "1", "--eval-every", "0", "--out", run, "--json");
        Assert.True(learn.Exit == 0, learn.Stderr);
        Assert.True(JsonDocument.Parse(learn.Stdout).RootElement.GetProperty("samples_seen").GetInt64() > 0, learn.Stdout);

        var eval = Cli(new Dictionary<string, string?>(), "eval", "--model", fixture.ModelDirectory, "--run", run, "--data", data, "--json");
        Assert.True(eval.Exit == 0, eval.Stderr);
        Assert.Equal(2, JsonDocument.Parse(eval.Stdout).RootElement.GetProperty("classes").GetInt32());

        string image = fixture.PathFor("json.bmp");
        Bitmap.WriteRandom(image, 8, 8, seed: 6);
        var predict = Cli(new Dictionary<string, string?>(), "predict", "--model", fixture.ModelDirectory, "--run", run, "--image", image, "--json");
        Assert.True(predict.Exit == 0, predict.Stderr);
        Assert.Equal(2, JsonDocument.Parse(predict.Stdout).RootElement.GetProperty("labels").GetArrayLength());
    }

    [Fact]
    public void DemoNamesTheRunOfEachProgressLineAndPrintsJson()
    {
        string output = fixture.PathFor("demo-json");
        var (exit, stdout, stderr) = Cli(new Dictionary<string, string?>(), "demo", "--out", output, "--json");
        Assert.True(exit == 0, stderr);
        var runs = JsonDocument.Parse(stdout).RootElement.GetProperty("runs");
        Assert.Equal(["sit", "all"], runs.EnumerateArray().Select(r => r.GetProperty("loss").GetString()));
        var progress = stderr.Split('\n').Where(l => l.Contains("samples", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, l => Assert.Matches("^run [12] of 2, (SIT|ALL) loss: ", l));
        Assert.Contains(progress, l => l.StartsWith("run 2 of 2, ALL loss", StringComparison.Ordinal));
    }

    private (int Exit, string Stdout, string Stderr) Cli(Dictionary<string, string?> environment, params string[] args)
    {
        environment["ONNXOLL_CACHE"] = Path.Combine(fixture.Root, "cache");
        return CliProcess.Capture(fixture.Root, environment, args);
    }

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscapes();
}
