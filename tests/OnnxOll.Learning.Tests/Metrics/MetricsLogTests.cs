using System.Text.Json.Nodes;
using System.Xml.Linq;
using OnnxOll.Learning.Metrics;
using OnnxOll.TestSupport;

namespace OnnxOll.Learning.Tests.Metrics;

public class MetricsLogTests
{
    private static readonly EvaluationRecord[] Records =
    [
        new(1000, 0, EvaluationKind.Anytime, 0.5, new Dictionary<string, double> { ["cat"] = 0.5 }),
        new(1500, 0, EvaluationKind.TaskEnd, 0.75, new Dictionary<string, double> { ["cat"] = 1, ["dog"] = 0.5 }),
        new(2000, 1, EvaluationKind.Anytime, 0.625, new Dictionary<string, double> { ["dog"] = 0.25, ["cat"] = 1 }),
        new(3000, 1, EvaluationKind.Final, 0.6, new Dictionary<string, double>()),
    ];

    private static readonly StepRecord[] Steps =
    [
        new(1, 500, 0, 3f, 1f, 0.01f, 2),
        new(2, 1000, 0, 2f, 0.75f, 0.01f, 3),
        new(3, 1500, 0, 1.25f, 0.5f, 0.01f, 4),
    ];

    [Fact]
    public void Jsonl_OneObjectPerEvaluation_RoundTrips()
    {
        using var tmp = new TempDirectory();
        var log = new MetricsLog(Path.Combine(tmp.Path, "run"));
        foreach (var r in Records)
        {
            log.Append(r);
        }

        var lines = File.ReadAllLines(log.RecordsPath);
        Assert.Equal(4, lines.Length);
        var second = JsonNode.Parse(lines[1])!.AsObject();
        Assert.Equal(1500, second["samples_seen"]!.GetValue<long>());
        Assert.Equal("task_end", second["kind"]!.GetValue<string>());
        Assert.Equal(0.5, second["per_class"]!["dog"]!.GetValue<double>());

        var read = MetricsLog.ReadRecords(log.RecordsPath);
        Assert.Equal(Records.Select(r => (r.SamplesSeen, r.Task, r.Kind, r.Accuracy)), read.Select(r => (r.SamplesSeen, r.Task, r.Kind, r.Accuracy)));
        Assert.Equal(Records[2].PerClassAccuracy.OrderBy(kv => kv.Key), read[2].PerClassAccuracy.OrderBy(kv => kv.Key));

        log.Rewrite([], [.. Records.Take(2)]);
        Assert.Equal(2, MetricsLog.ReadRecords(log.RecordsPath).Count);
    }

    [Fact]
    public void StepLine_HasItsFields_AndEachReaderKeepsItsOwnKind()
    {
        using var tmp = new TempDirectory();
        var log = new MetricsLog(tmp.Path);
        log.Append(Records[0]);
        log.Append(Steps[2]);
        log.Append(Records[1]);

        Assert.Equal("{\"kind\":\"step\",\"batch\":3,\"samples_seen\":1500,\"task\":0,\"loss\":1.25,\"grad_norm\":0.5,\"lr\":0.01,\"classes\":4}", File.ReadAllLines(log.RecordsPath)[1]);
        Assert.Equal([Steps[2]], MetricsLog.ReadSteps(log.RecordsPath));
        Assert.Equal([1000L, 1500L], MetricsLog.ReadRecords(log.RecordsPath).Select(r => r.SamplesSeen));
    }

    [Fact]
    public void ReadSteps_DamagedStepLine_NamesFileLineAndField()
    {
        using var tmp = new TempDirectory();
        string path = tmp.File("metrics.jsonl");
        string damaged = StepRecordJson.ToJson(Steps[1]).ToJsonString().Replace("\"loss\":2", "\"loss\":\"high\"", StringComparison.Ordinal);
        File.WriteAllLines(path, [StepRecordJson.ToJson(Steps[0]).ToJsonString(), damaged]);

        var ex = Assert.Throws<InvalidDataException>(() => MetricsLog.ReadSteps(path));
        Assert.Contains($"'{path}' line 2: field 'loss' is a string (\"high\"), expected a number", ex.Message, StringComparison.Ordinal);
        Assert.Empty(MetricsLog.ReadRecords(path));
    }

    [Fact]
    public void Rewrite_OrdersBySamplesSeen_AStepBeforeAnEvaluationAtTheSamePoint()
    {
        using var tmp = new TempDirectory();
        var log = new MetricsLog(tmp.Path);
        log.Rewrite(Steps, Records);

        var kinds = File.ReadAllLines(log.RecordsPath).Select(l => $"{JsonNode.Parse(l)!["kind"]} {JsonNode.Parse(l)!["samples_seen"]}");
        Assert.Equal(["step 500", "step 1000", "anytime 1000", "step 1500", "task_end 1500", "anytime 2000", "final 3000"], kinds);
        Assert.Empty(Directory.GetFiles(tmp.Path, ".*"));
    }

    [Fact]
    public void RewriteForResume_KeepsStepsUpToTheCheckpoint_DropsLaterAndDamagedLines()
    {
        using var tmp = new TempDirectory();
        var log = new MetricsLog(tmp.Path);
        log.Rewrite(Steps, Records);
        File.AppendAllText(log.RecordsPath, "{\"kind\":\"st\n");
        File.WriteAllText(tmp.File(".metrics.jsonl.tmp-0123"), "left by a crash");
        var warnings = new List<string>();

        var kept = log.RewriteForResume(2, [.. Records.Take(1)], warnings.Add);

        Assert.Equal(Steps.Take(2), kept);
        Assert.Equal([500L, 1000L, 1000L], File.ReadAllLines(log.RecordsPath).Select(l => JsonNode.Parse(l)!["samples_seen"]!.GetValue<long>()));
        Assert.Contains("line 8: not JSON", Assert.Single(warnings), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(tmp.Path, ".*"));
    }

    [Fact]
    public void ReadRecords_BadLine_NamesFileLineAndField()
    {
        using var tmp = new TempDirectory();
        string path = tmp.File("metrics.jsonl");
        File.WriteAllLines(path, [EvaluationRecordJson.ToJson(Records[0]).ToJsonString(), "{\"samples_seen\":1,\"task\":0,\"kind\":\"weekly\",\"accuracy\":1,\"per_class\":{}}"]);
        var ex = Assert.Throws<InvalidDataException>(() => MetricsLog.ReadRecords(path));
        Assert.Contains("line 2", ex.Message);
        Assert.Contains("'kind'", ex.Message);
    }

    [Fact]
    public void Summary_HasEveryHeadlineMetric()
    {
        using var tmp = new TempDirectory();
        var log = new MetricsLog(tmp.Path);
        log.WriteSummary(new MetricsSummary(3000, 2, 0.6, 0.7, 0.6, 0.1, 0.62, 0.55));
        var json = JsonNode.Parse(File.ReadAllText(log.SummaryPath))!;
        Assert.Equal(0.6, json["a_auc"]!.GetValue<double>());
        Assert.Equal(0.1, json["f_last"]!.GetValue<double>());
        Assert.Equal(-0.07, json["zero_shot_change"]!.GetValue<double>(), 12);
        Assert.Equal(2, json["tasks"]!.GetValue<int>());
    }

    [Fact]
    public void AccuracyPlot_WritesPngAndSvg()
    {
        using var tmp = new TempDirectory();
        string png = tmp.File("acc.png"), svg = tmp.File("acc.svg");
        AccuracyPlot.Write(Records, [1500], png, svg);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, File.ReadAllBytes(png)[..8]);
        Assert.Equal("svg", XDocument.Load(svg).Root!.Name.LocalName);
    }

    [Fact]
    public void LossPlot_WritesPngAndSvg()
    {
        using var tmp = new TempDirectory();
        string png = tmp.File("loss.png"), svg = tmp.File("loss.svg");
        LossPlot.Write(Steps, 2, [1000], png, svg);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, File.ReadAllBytes(png)[..8]);
        Assert.Equal("svg", XDocument.Load(svg).Root!.Name.LocalName);
    }
}
