using OnnxOll.Clip.Graphs;
using OnnxOll.Runtime;

namespace OnnxOll.Benchmarks.Tests;

/// <summary>Each kind of case runs end to end on the tiny model with both precisions and reports its measurements.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class CaseRunnerTests(TinyModel tiny)
{
    // Columns: case name, frozen precision.
    [Theory]
    [InlineData("gemm_256", FrozenPrecision.Int8)]
    [InlineData("step_tiny_both_b10", FrozenPrecision.Int8)]
    [InlineData("inference_tiny_b10", FrozenPrecision.Float32)]
    [InlineData("learn_tiny_image_b10", FrozenPrecision.Int8)]
    public void CaseRunsAndReports(string name, FrozenPrecision precision)
    {
        var c = BenchCases.Get(name);
        var m = CaseRunner.Run(c, Path.Combine(tiny.Root, "models"), SessionSettings.Create(intraOpThreads: 1), precision);
        Assert.Equal(name, m.Case);
        Assert.Equal(Implementations.OnnxOll(precision), m.Implementation);
        Assert.True(m.MedianMs > 0 && m.MinMs <= m.MedianMs && m.MedianMs <= m.MaxMs, $"{m}");
        Assert.True(m.PeakRssMb > 0);
        Assert.Equal(c.Kind == BenchKind.Learn, m.SamplesPerSecond is > 0);
        Assert.Equal(c.Kind is BenchKind.Step or BenchKind.Learn, m.Memory is not null);
    }

    [Fact]
    public void PeerArgumentsDescribeTheSameCase()
    {
        var args = PeerBench.Arguments(BenchCases.Get("step_b32_both_b10"), "/m", 2);
        Assert.Equal(["bench", "--model", "/m", "--batch-size", "10", "--classes", "10", "--steps", "6", "--warmup", "2", "--threads", "2", "--mode", "sit",
            "--towers", "both", "--proj", "q,v", "--rank", "8", "--alpha", "16"], args);
        Assert.Contains("--inference", PeerBench.Arguments(BenchCases.Get("inference_b32_b10"), "/m", 2));
    }
}
