using OnnxOll.Clip.Model;

namespace OnnxOll.Benchmarks;

/// <summary>Floating-point operations (multiply-add = 2) of the CLIP products a case runs: linears, attention, patch embedding, projection.</summary>
/// <remarks>Backward of a LoRA step: the input gradient of every frozen product (as many FLOPs as its forward; frozen weights get
/// no gradient) and twice the attention forward (dP, dV, dQ, dK); the rank-r LoRA products and elementwise work are left out.</remarks>
public static class ClipFlops
{
    /// <summary>Classes in the softmax of a step: the peer's labels come from <c>classes / 2 + 1</c> classes.</summary>
    public static int VisibleClasses(int batch) => Math.Min(batch, (BenchCase.Classes / 2) + 1);

    /// <summary>FLOPs of one case repetition (a step, an inference batch, a stream batch of learn, a GEMM).</summary>
    public static double Of(BenchCase c, ClipConfig? config, int gemmSize)
    {
        if (c.Kind == BenchKind.Gemm)
        {
            return 2.0 * gemmSize * gemmSize * gemmSize;
        }

        var v = config!.Vision;
        double patch = 2.0 * v.GridSize * v.GridSize * v.NumChannels * v.PatchSize * v.PatchSize * v.HiddenSize;
        double vision = (c.Batch * (patch + (2.0 * v.HiddenSize * config.ProjectionDim))) + Encoder(v, c.Batch, v.TokenCount, backward: false);
        if (c.Kind == BenchKind.Inference)
        {
            return vision;
        }

        double step = vision + Encoder(v, c.Batch, v.TokenCount, backward: true);
        if (c.Towers == "both")
        {
            var t = config.Text;
            int classes = VisibleClasses(c.Batch);
            step += Encoder(t, classes, t.MaxPositionEmbeddings, backward: false) + Encoder(t, classes, t.MaxPositionEmbeddings, backward: true);
        }

        return c.Kind == BenchKind.Learn ? BenchCase.Iterations * step : step;
    }

    private static double Encoder(ClipEncoderConfig tower, int sequences, int tokens, bool backward)
    {
        double d = tower.HiddenSize, f = tower.IntermediateSize, t = tokens;
        double linears = 2.0 * t * ((4 * d * d) + (2 * d * f));
        double attention = 4.0 * t * t * d;
        return sequences * tower.NumHiddenLayers * (linears + ((backward ? 2 : 1) * attention));
    }
}
