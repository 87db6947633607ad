using System.Text.Json.Nodes;
using OnnxOll.Clip.Tiny;
using OnnxOll.TestSupport;

namespace OnnxOll.Benchmarks.Tests;

/// <summary>The report's arithmetic: medians over rounds, libtorch ratios, the learn prediction from the same run's step, FLOP counts; tables one line per row.</summary>
public sealed class BenchReportTests
{
    private static readonly BenchCase Step = BenchCases.Get("step_b32_image_b10");
    private static readonly BenchCase Learn = BenchCases.Get("learn_b32_image_b10");
    private static readonly BenchCase Gemm = BenchCases.Get("gemm_1024");

    [Fact]
    public void RowsTakeMediansAndRatiosFromTheSameRun()
    {
        CaseMeasurement M(BenchCase c, string impl, double ms, double rss, double? sps = null) => new(c.Name, impl, ms, ms, ms, rss, sps);
        var measurements = new[]
        {
            M(Gemm, Implementations.OnnxOllFloat32, 10, 80), M(Gemm, Implementations.OnnxOllInt8, 4, 80),
            M(Step, Implementations.OnnxOllFloat32, 1000, 1500), M(Step, Implementations.OnnxOllFloat32, 1200, 1600), M(Step, Implementations.OnnxOllFloat32, 900, 1400),
            M(Step, Implementations.OnnxOllInt8, 400, 900), M(Step, Implementations.Libtorch, 1100, 1300), M(Step, Implementations.Libtorch, 1300, 1350),
            M(Learn, Implementations.OnnxOllFloat32, 3500, 1700, sps: 2.9), M(Learn, Implementations.OnnxOllInt8, 1500, 1000, sps: 6.0),
        };
        var config = TinyClip.Config(TinyShape.B32);
        var report = BenchReport.Build(new JsonObject(), [Gemm, Step, Learn], measurements, c => c.Kind == BenchKind.Gemm ? null : config);

        var step = report.Rows.Single(r => r.Case == Step.Name);
        Assert.Equal(1000, step.Float32Ms);
        Assert.Equal(1200, step.LibtorchMs);
        Assert.Equal(1.2, step.Float32Speedup!.Value, 6);
        Assert.Equal(3.0, step.Int8Speedup!.Value, 6);
        Assert.Equal(1500, step.Float32RssMb);
        var learn = report.Rows.Single(r => r.Case == Learn.Name);
        Assert.Equal(10 * 1000.0 / (3 * 1000), learn.PredictedFloat32SamplesPerSecond!.Value, 6);
        Assert.Equal(10 * 1000.0 / (3 * 400), learn.PredictedInt8SamplesPerSecond!.Value, 6);
        Assert.Null(learn.LibtorchMs);

        string markdown = report.ToMarkdown();
        Assert.Contains("| step_b32_image_b10 | ", markdown);
        Assert.Contains("1.20x", markdown);
        Assert.Contains("3.00x", markdown);
        Assert.All(markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.True(line.StartsWith('|') && line.EndsWith('|'), line));
    }

    [Fact]
    public void B32StepFlopsAreTwiceTheForwardOfTheLinearsAndAboutFourGmacsPerImage()
    {
        var config = TinyClip.Config(TinyShape.B32);
        double inference = ClipFlops.Of(BenchCases.Get("inference_b32_b10"), config, 0);
        double step = ClipFlops.Of(Step, config, 0);
        // ViT-B/32 at 224: about 4.4 GMAC per image.
        Assert.InRange(inference / 10 / 2, 4.2e9, 4.6e9);
        Assert.InRange(step / inference, 1.9, 2.05);
        Assert.Equal(3 * step, ClipFlops.Of(Learn, config, 0));
        Assert.True(ClipFlops.Of(BenchCases.Get("step_b32_both_b10"), config, 0) > step);
        Assert.Equal(2.0 * 1024 * 1024 * 1024, ClipFlops.Of(Gemm, null, 1024));
    }

    [Fact]
    public void ReportRoundTripsThroughJson()
    {
        var report = new BenchReport(new JsonObject { ["cpu"] = "test" }, [new CaseMeasurement("gemm_256", Implementations.OnnxOllInt8, 1, 1, 2, 64)],
            [new BenchRow("gemm_256", BenchKind.Gemm, 0.03, 2, 1, null, 64, 64, null)])
        {
            Fidelity = [new FidelityResult("tiny", 1e-3, 1.5, 1.49, [new TensorFidelity("a", 0.99, 0.1)])],
        };
        using var temp = new TempDirectory();
        string path = temp.File("bench.json");
        report.Save(path);
        var back = BenchReport.Load(path);
        Assert.Equal(report.ToMarkdown(), back.ToMarkdown());
        Assert.Equal("test", back.Machine["cpu"]!.GetValue<string>());
    }
}
