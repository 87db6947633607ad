using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using OnnxOll.Runtime;

namespace OnnxOll.Benchmarks;

/// <summary>ONNX Runtime's float32 MatMul throughput on an n×n×n product: the machine's practical GEMM peak.</summary>
public static class GemmPeakBenchmark
{
    /// <summary>Measures the peak with a frozen (initializer) right-hand side, as the CLIP weights are.</summary>
    public static BenchResult Run(SessionSettings settings, int n = 1024, int steps = 20)
    {
        var g = new GraphBuilder("gemm_peak");
        var rng = new Random(0);
        var w = new float[n * n];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)(rng.NextDouble() - 0.5);
        }

        g.Input("a", TensorProto.Types.DataType.Float, n, n);
        g.Initializer<float>("w", w, n, n);
        g.Output(g.Op("MatMul", "a", "w"), TensorProto.Types.DataType.Float, n, n);
        using var session = SessionFactory.FromModel(g.Model, settings);
        using var run = session.Bind();
        run.Input("a", n, n).AsSpan<float>().Fill(0.5f);
        run.Output(session.OutputNames[0], n, n);
        var times = Stopwatches.Time(run.Run, warmup: 3, steps);
        double median = Stopwatches.Median(times);
        return new BenchResult(
            $"gemm_peak_f32_{n}",
            median,
            times[0],
            times[^1],
            steps,
            2.0 * n * n * n / (median * 1e6),
            Stopwatches.PeakRssMb(),
            new Dictionary<string, string> { ["n"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture), ["threads"] = settings.IntraOpThreads.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }
}
