using System.Text.Json.Nodes;
using OnnxOll.Learning.Reporting;
using OnnxOll.TestSupport;

namespace OnnxOll.Learning.Tests.Reporting;

public sealed class ProtocolReportTests
{
    [Fact]
    public void TablesShowMeanAndStdOverSeedsAndTheVerdictFollowsTheNumbers()
    {
        using var dir = new TempDirectory();
        string runs = Path.Combine(dir.Path, "runs");
        WriteRun(runs, "si-blurry", "sit-lora-both", 1, fLast: 0.10, after: 0.40, seconds: 100);
        WriteRun(runs, "si-blurry", "sit-lora-both", 2, fLast: 0.20, after: 0.30, seconds: 100);
        WriteRun(runs, "si-blurry", "all-lora-both", 1, fLast: 0.50, after: 0.20, seconds: 50);
        Directory.CreateDirectory(Path.Combine(runs, "si-blurry", "all-lora-both", "s2"));
        WriteRun(runs, "si-blurry", "rcm", 1, fLast: 0, after: 0.45, seconds: 10, aLast: 0.25);
        WriteRun(runs, "si-blurry", "probe", 1, fLast: 0, after: 0.45, seconds: 10, aLast: 0.35, records: false);
        string model = Path.Combine(dir.Path, "model");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "pretrain.json"), """
            {"recipe": "r", "seed": 0, "classes": 50, "parameters": 1234, "steps": 10, "seconds": 120,
             "settings": {"eval_template": "a photo of a {}."},
             "epochs": [{"epoch": 0, "mean_loss": 5.0, "zero_shot_accuracy": 0.25, "logit_scale": 2.65, "seconds": 60},
                        {"epoch": 1, "mean_loss": 4.0, "zero_shot_accuracy": 0.375, "logit_scale": 2.66, "seconds": 120}]}
            """);
        string markdown = Path.Combine(dir.Path, "docs", "results.md");
        Directory.CreateDirectory(Path.GetDirectoryName(markdown)!);

        ProtocolReport.Write(runs, model, markdown, Path.Combine(dir.Path, "docs", "results"), "header line");

        string text = File.ReadAllText(markdown);
        Assert.Contains("| sit-lora-both | 2 |", text, StringComparison.Ordinal);
        Assert.Contains("15.0 ± 7.1", text, StringComparison.Ordinal);
        Assert.Contains("| all-lora-both | 1 |", text, StringComparison.Ordinal);
        Assert.Contains("| 2 | 4.000 | 37.5 |", text, StringComparison.Ordinal);
        Assert.Contains("SIT forgets less than the all-seen loss here: F_last 15.0 % vs 50.0 %", text, StringComparison.Ordinal);
        Assert.Contains("35.0 % zero-shot accuracy vs 20.0 %", text, StringComparison.Ordinal);
        Assert.Contains("![si-blurry](results/accuracy-si-blurry.png)", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.Path, "docs", "results", "accuracy-si-blurry.png")));
        Assert.True(File.Exists(Path.Combine(dir.Path, "docs", "results", "accuracy-si-blurry.svg")));
        Assert.Contains(" 20 ± 0 |", text, StringComparison.Ordinal);
        Assert.Contains(" 40 |", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf("| rcm |", StringComparison.Ordinal) < text.IndexOf("| probe |", StringComparison.Ordinal));
        Assert.True(text.IndexOf("| probe |", StringComparison.Ordinal) < text.IndexOf("| sit-lora-both |", StringComparison.Ordinal));
        Assert.Contains("- sit-lora-both: A_last 30.0 % (+5.0 vs rcm, -5.0 vs probe points); base classes keep 78 % of their zero-shot accuracy.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("- rcm:", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MethodsMeasurementsAreListedWithOnlineLorasConsolidationsBesideTheTaskEnds()
    {
        using var dir = new TempDirectory();
        string runs = Path.Combine(dir.Path, "runs");
        WriteRun(runs, "disjoint", "online-lora", 1, fLast: 0.1, after: 0.4, seconds: 10,
            methods: new JsonObject { ["online-lora.consolidations"] = 2, ["online-lora.position_001"] = 640, ["online-lora.position_002"] = 1920 });
        WriteRun(runs, "disjoint", "online-lora", 2, fLast: 0.1, after: 0.4, seconds: 10, methods: new JsonObject { ["online-lora.consolidations"] = 4 });
        WriteRun(runs, "disjoint", "sit-ddas", 1, fLast: 0.1, after: 0.4, seconds: 10,
            methods: new JsonObject { ["ddas.control_to_frozen"] = 0.875, ["ddas.autoencoders"] = 5 });
        WriteRun(runs, "disjoint", "sit-lora-both", 1, fLast: 0.1, after: 0.4, seconds: 10);
        File.AppendAllText(Path.Combine(runs, "disjoint", "online-lora", "s1", "metrics.jsonl"),
            """{"samples_seen":2000,"task":0,"kind":"task_end","accuracy":0.6,"per_class":{"a":0.6}}""" + "\n");

        var discovered = ProtocolRun.Discover(runs);
        string text = MethodMeasurements.Of(discovered, ["sit-lora-both", "online-lora", "sit-ddas"])!;

        Assert.Contains("- online-lora: online-lora.consolidations 3.0 ± 1.4; seed 1: consolidated at samples 640, 1920 (task ends at 2000).", text, StringComparison.Ordinal);
        Assert.Contains("- sit-ddas: ddas.autoencoders 5.0; ddas.control_to_frozen 0.875.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("sit-lora-both", text, StringComparison.Ordinal);
        Assert.Null(MethodMeasurements.Of(discovered, ["sit-lora-both"]));
    }

    private static void WriteRun(string root, string scenario, string method, int seed, double fLast, double after, double seconds, double aLast = 0.3, bool records = true,
        JsonObject? methods = null)
    {
        string run = Path.Combine(root, scenario, method, $"s{seed}");
        Directory.CreateDirectory(run);
        var summary = new JsonObject
        {
            ["samples_seen"] = 2000,
            ["tasks"] = 5,
            ["a_auc"] = 0.5,
            ["a_avg"] = 0.4,
            ["a_last"] = aLast,
            ["f_last"] = fLast,
            ["zero_shot_before"] = 0.45,
            ["zero_shot_after"] = after,
            ["zero_shot_change"] = after - 0.45,
        };
        if (methods is not null)
        {
            summary["methods"] = methods;
        }

        File.WriteAllText(Path.Combine(run, "summary.json"), summary.ToJsonString());
        if (records)
        {
            File.WriteAllText(Path.Combine(run, "metrics.jsonl"),
            """{"samples_seen":1000,"task":0,"kind":"anytime","accuracy":0.5,"per_class":{"a":0.5}}""" + "\n" +
            """{"samples_seen":2000,"task":1,"kind":"anytime","accuracy":0.6,"per_class":{"a":0.6}}""" + "\n");
        }

        File.WriteAllText(run + ".seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
