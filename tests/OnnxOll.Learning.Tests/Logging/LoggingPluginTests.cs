using System.Globalization;
using System.Text.Json.Nodes;
using CsvHelper;
using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Learning.Learner;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Logging;
using OnnxOll.Learning.Metrics;
using OnnxOll.Learning.Tests.Learner;
using OnnxOll.Streams.Data;
using OnnxOll.Streams.Scenarios;
using OnnxOll.Streams.Synthetic;

namespace OnnxOll.Learning.Tests.Logging;

/// <summary>metrics.csv and TensorBoard event files hold the run's records once each, also when the run crashed and resumed.</summary>
public sealed class LoggingPluginTests(TinyLearnerFixture fixture) : IClassFixture<TinyLearnerFixture>
{
    // Four colours × two shapes × 6 images = 48 stream samples, six batches of 8; an evaluation after every batch.
    private const string Data = "synthetic:colours=4,shapes=2,textures=1,train=6,test=2,seed=5";
    private const string Pet = "lora:r=4,alpha=8,towers=image,targets=q+v";

    // Checkpoints after batches 2, 4, 6: a crash in batch 4 leaves batch 3's lines past the checkpoint.
    private static readonly LearnerOptions Options = new()
    {
        BatchSize = 8,
        LearningRate = 1e-2f,
        EvalEvery = 8,
        CheckpointEvery = 2,
        KeepCheckpoints = 10,
    };

    [Fact]
    public void CsvAndTensorBoardHoldEachRecordOnceAfterACrashAndResume()
    {
        using var model = ClipModelRuntime.Open(fixture.ModelDirectory, PetSpec.Parse(Pet));
        string whole = fixture.RunDirectory("log-whole");
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), Options with { TensorBoardDirectory = Path.Combine(whole, "tb") }, whole))
        {
            learner.Run(data);
        }

        string crashed = fixture.RunDirectory("log-crashed");
        var options = Options with { TensorBoardDirectory = Path.Combine(crashed, "tb") };
        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, crashed))
        {
            learner.Plugins.Add(new CrashInBatch(4));
            Assert.Throws<SimulatedCrash>(() => { learner.Run(data); });
        }

        var beforeResume = Rows(crashed);
        Assert.Contains(beforeResume, r => r["kind"] == "step" && r["batch"] == "3"); // a row the resume must drop
        Assert.Equal(24, TensorBoardReader.Scalars(Path.Combine(crashed, "tb")).Keys.Max(k => k.Step));

        using (var data = DataSources.Open(Data))
        using (var learner = new OnlineLearner(model, ScenarioSpec.Parse("iid"), options, crashed))
        {
            learner.Resume();
            learner.Run(data);
        }

        Assert.Equal(File.ReadAllText(Path.Combine(whole, MetricsLog.RecordsFileName)), File.ReadAllText(Path.Combine(crashed, MetricsLog.RecordsFileName)));
        Assert.Equal(File.ReadAllText(Path.Combine(whole, MetricsCsv.FileName)), File.ReadAllText(Path.Combine(crashed, MetricsCsv.FileName)));
        AssertCsvMatchesJsonl(crashed);

        var wholeScalars = TensorBoardReader.Scalars(Path.Combine(whole, "tb"));
        Assert.Equal(wholeScalars, TensorBoardReader.Scalars(Path.Combine(crashed, "tb")));
        var steps = MetricsLog.ReadSteps(Path.Combine(whole, MetricsLog.RecordsFileName));
        Assert.Equal(6, steps.Count);
        Assert.All(steps, s => Assert.Equal(s.Loss, wholeScalars[("train/loss", s.SamplesSeen)]));
        Assert.All(steps, s => Assert.Equal(s.GradNorm, wholeScalars[("train/grad_norm", s.SamplesSeen)]));
        foreach (var r in MetricsLog.ReadRecords(Path.Combine(whole, MetricsLog.RecordsFileName)))
        {
            Assert.Equal((float)r.Accuracy, wholeScalars[($"eval/{EvaluationRecordJson.KindName(r.Kind)}_accuracy", r.SamplesSeen)]);
        }

        var files = TensorBoardReader.EventFiles(Path.Combine(crashed, "tb"));
        Assert.Equal(2, files.Length);
        var resumedEvents = TensorBoardReader.ReadFile(files[1]);
        Assert.All(files, f => Assert.Equal(TensorBoardEvent.FileVersion, TensorBoardReader.ReadFile(f)[0].FileVersion));
        Assert.Equal((1, 17L), (resumedEvents[1].SessionStatus!.Value, resumedEvents[1].Step)); // checkpoint at 16 samples
    }

    [Fact]
    public void RecordsFrameTheirDataWithTensorFlowsMaskedCrc32C()
    {
        // CRC-32C("123456789") = 0xE3069283 (RFC 3720's check value), masked: rotated right 15, plus 0xa282ead8.
        uint crc = 0xE3069283;
        Assert.Equal(((crc >> 15) | (crc << 17)) + 0xa282ead8u, TfRecord.MaskedCrc("123456789"u8));
        Assert.Equal(TensorBoardReader.MaskedCrc32C("123456789"u8), TfRecord.MaskedCrc("123456789"u8));

        string dir = fixture.RunDirectory("tb-unit");
        string path;
        using (var writer = new TensorBoardWriter(dir))
        {
            writer.Scalars(5, [("a", 0.25f), ("b", -3f)]);
            path = writer.Path;
        }

        var events = TensorBoardReader.ReadFile(path);
        Assert.Equal([("a", 0.25f), ("b", -3f)], events[1].Scalars);
        Assert.Equal(5, events[1].Step);
        Assert.True(Math.Abs(events[1].WallTime - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0) < 600);

        var bytes = File.ReadAllBytes(path);
        bytes[^5] ^= 1; // last byte of the last event's data
        File.WriteAllBytes(path, bytes);
        Assert.Contains("data CRC", Assert.Throws<InvalidDataException>(() => TensorBoardReader.ReadFile(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CsvQuotesCellsWithCommasAndQuotes()
    {
        var line = EvaluationRecordJson.ToJson(new EvaluationRecord(8, 0, EvaluationKind.Anytime, 0.5, new Dictionary<string, double> { ["a \"b\", c"] = 1, ["d"] = 0 }));
        string row = MetricsCsv.Row(line);
        using var reader = new CsvReader(new StringReader(MetricsCsv.Header() + "\n" + row + "\n"), CultureInfo.InvariantCulture);
        reader.Read();
        reader.ReadHeader();
        reader.Read();
        Assert.Equal("anytime", reader.GetField("kind"));
        Assert.Equal("", reader.GetField("loss"));
        Assert.Equal(line["per_class"]!.ToJsonString(), reader.GetField("per_class"));
    }

    private static void AssertCsvMatchesJsonl(string run)
    {
        var rows = Rows(run);
        var lines = File.ReadLines(Path.Combine(run, MetricsLog.RecordsFileName)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.Equal(lines.Count, rows.Count);
        Assert.Single(File.ReadLines(Path.Combine(run, MetricsCsv.FileName)), l => l.StartsWith("kind,", StringComparison.Ordinal));
        for (int i = 0; i < rows.Count; i++)
        {
            foreach (var column in MetricsCsv.Columns)
            {
                string expected = lines[i][column] switch
                {
                    null => "",
                    JsonValue v when v.TryGetValue(out string? s) => s,
                    var node => node.ToJsonString(),
                };
                Assert.Equal(expected, rows[i][column]);
            }
        }
    }

    private static List<Dictionary<string, string>> Rows(string run)
    {
        using var reader = new CsvReader(new StreamReader(Path.Combine(run, MetricsCsv.FileName)), CultureInfo.InvariantCulture);
        reader.Read();
        reader.ReadHeader();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            rows.Add(MetricsCsv.Columns.ToDictionary(c => c, c => reader.GetField(c) ?? ""));
        }

        return rows;
    }

    /// <summary>Stands in for kill -9: thrown inside a gradient step, it skips the final checkpoint.</summary>
    private sealed class SimulatedCrash : Exception;

    private sealed class CrashInBatch(long batch) : LearnerPlugin
    {
        public override void BeforeStep(LearnerContext context)
        {
            if (context.State.Batches + 1 == batch)
            {
                throw new SimulatedCrash();
            }
        }
    }
}
