namespace OnnxOll.Benchmarks;

/// <summary>The cases <c>make bench</c> runs, in order.</summary>
public static class BenchCases
{
    /// <summary>The GEMM rates and the ViT-B/32 cases.</summary>
    public static IReadOnlyList<BenchCase> B32 { get; } =
    [
        new("gemm_1024", BenchKind.Gemm, "none", 0, null, 20),
        new("step_b32_image_b10", BenchKind.Step, "b32", 10, "image", 10),
        new("step_b32_image_b64", BenchKind.Step, "b32", 64, "image", 4),
        new("step_b32_both_b10", BenchKind.Step, "b32", 10, "both", 6),
        new("inference_b32_b10", BenchKind.Inference, "b32", 10, null, 10),
        new("learn_b32_image_b10", BenchKind.Learn, "b32", 10, "image", 12),
        new("learn_b32_image_b10_eval", BenchKind.Learn, "b32", 10, "image", 12, EvalEvery: 40),
    ];

    /// <summary>The same kinds of cases on the tiny model (seconds instead of minutes; for a quick check of the machinery).</summary>
    public static IReadOnlyList<BenchCase> Tiny { get; } =
    [
        new("gemm_256", BenchKind.Gemm, "none", 0, null, 20),
        new("step_tiny_image_b10", BenchKind.Step, "tiny", 10, "image", 20),
        new("step_tiny_both_b10", BenchKind.Step, "tiny", 10, "both", 20),
        new("inference_tiny_b10", BenchKind.Inference, "tiny", 10, null, 20),
        new("learn_tiny_image_b10", BenchKind.Learn, "tiny", 10, "image", 12),
    ];

    /// <summary>The case named <paramref name="name"/> from either list.</summary>
    public static BenchCase Get(string name) =>
        B32.Concat(Tiny).FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"--case '{name}': no such benchmark case (known: {string.Join(", ", B32.Concat(Tiny).Select(c => c.Name))}).");
}
