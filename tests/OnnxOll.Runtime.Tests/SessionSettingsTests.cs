using Microsoft.ML.OnnxRuntime;
using OnnxOll.Onnx.Models;
using OnnxOll.TestSupport;

namespace OnnxOll.Runtime.Tests;

public sealed class SessionSettingsTests
{
    [Fact]
    public void DefaultsAreCpuAllCoresOneInterOpThreadAndFullOptimisation()
    {
        var s = SessionSettings.Default;
        Assert.Equal(ExecutionProviderKind.Cpu, s.ExecutionProvider);
        Assert.Equal(Environment.ProcessorCount, s.IntraOpThreads);
        Assert.Equal(1, s.InterOpThreads);
        Assert.Equal(GraphOptimizationLevel.ORT_ENABLE_ALL, s.OptimizationLevel);
        Assert.False(s.DeterministicCompute);
        Assert.Null(s.OptimizedModelPath);
        Assert.Equal(s, SessionSettings.Create());
    }

    [Theory]
    // intra, inter, expected execution mode
    [InlineData(1, 1, ExecutionMode.ORT_SEQUENTIAL)]
    [InlineData(3, 1, ExecutionMode.ORT_SEQUENTIAL)]
    [InlineData(2, 4, ExecutionMode.ORT_PARALLEL)]
    public void ThreadCountsReachTheNativeOptions(int intra, int inter, ExecutionMode mode)
    {
        using var options = SessionSettings.Create(intraOpThreads: intra, interOpThreads: inter, deterministicCompute: true).ToSessionOptions();
        Assert.Equal(intra, options.IntraOpNumThreads);
        Assert.Equal(inter, options.InterOpNumThreads);
        Assert.Equal(mode, options.ExecutionMode);
    }

    [Fact]
    public void NegativeThreadCountIsRejectedNamingTheField()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => (SessionSettings.Default with { IntraOpThreads = -2 }).ToSessionOptions());
        Assert.Contains(nameof(SessionSettings.IntraOpThreads), e.Message);
    }

    [Fact]
    public void CudaOnTheCpuPackageFailsWithOneClearError()
    {
        if (OrtEnv.Instance().GetAvailableProviders().Contains(ExecutionProviderUnavailableException.CudaProviderName))
        {
            return;
        }

        var e = Assert.Throws<ExecutionProviderUnavailableException>(() => SessionSettings.Create(ExecutionProviderKind.Cuda).ToSessionOptions());
        Assert.Contains("CPU package", e.Message);
        Assert.Contains("-p:OnnxOllGpu=true", e.Message);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", e.Message);
    }

    [Fact]
    public void OptimizedModelIsWrittenWhereAsked()
    {
        using var dir = new TempDirectory();
        string optimized = dir.File("optimized.onnx");
        var settings = SessionSettings.Default with { OptimizedModelPath = optimized, DeterministicCompute = true, AllowSpinning = false };
        using (SessionFactory.FromModel(TestGraphs.Affine(), settings))
        {
        }

        Assert.True(File.Exists(optimized));
        Assert.NotNull(ModelIO.Load(optimized).Graph);
    }
}
