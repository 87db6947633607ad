using OnnxOll.Clip.Graphs;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;
using OnnxOll.Runtime;

namespace OnnxOll.Benchmarks;

/// <summary>ONNX Runtime's GEMM rate on an n×n×n product with a frozen (initializer) right-hand side, as the CLIP weights are:
/// float32 MatMul, or int8 DynamicQuantizeMatMul (per-column scales, activations quantized at run time).</summary>
public static class GemmPeakBenchmark
{
    /// <summary>Times <paramref name="steps"/> products after 3 warm-up runs.</summary>
    public static CaseMeasurement Run(string name, SessionSettings settings, int n, FrozenPrecision precision, int steps = 20)
    {
        var g = new GraphBuilder("gemm_peak");
        var rng = new Random(0);
        var w = new float[n * n];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)(rng.NextDouble() - 0.5);
        }

        g.Input("a", TensorProto.Types.DataType.Float, n, n);
        string product;
        if (precision == FrozenPrecision.Int8)
        {
            var (q, scales) = QuantizedWeights.Quantize(w, n, n);
            g.Initializer<sbyte>("w", q, n, n);
            g.Initializer<float>("scale", scales, n);
            product = g.DomainOp(OnnxOpset.Microsoft, "DynamicQuantizeMatMul", "a", "w", "scale");
        }
        else
        {
            g.Initializer<float>("w", w, n, n);
            product = g.Op("MatMul", "a", "w");
        }

        g.Output(product, TensorProto.Types.DataType.Float, n, n);
        using var session = SessionFactory.FromModel(g.Model, settings);
        using var run = session.Bind();
        var a = run.Input("a", n, n).AsSpan<float>();
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)(rng.NextDouble() - 0.5);
        }

        run.Output(session.OutputNames[0], n, n);
        var times = Stopwatches.Time(run.Run, warmup: 3, steps);
        return new CaseMeasurement(name, Implementations.OnnxOll(precision), Stopwatches.Median(times), times[0], times[^1], Stopwatches.PeakRssMb());
    }
}
