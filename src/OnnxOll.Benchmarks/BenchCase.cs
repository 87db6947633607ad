namespace OnnxOll.Benchmarks;

/// <summary>One benchmark case: what it times, on which model shape, batch and PET tensors.</summary>
/// <param name="Name">Unique name (JSON key, table row).</param>
/// <param name="Kind">What is timed.</param>
/// <param name="Shape">Model shape: tiny or b32 (a generated random model of those shapes).</param>
/// <param name="Batch">Images per batch.</param>
/// <param name="Towers">Towers carrying LoRA (image or both); null for inference and GEMM cases.</param>
/// <param name="Steps">Timed repetitions (steps, batches or products).</param>
/// <param name="EvalEvery">Learn cases: anytime evaluation interval in samples (0: off).</param>
public sealed record BenchCase(string Name, BenchKind Kind, string Shape, int Batch, string? Towers, int Steps, int EvalEvery = 0)
{
    /// <summary>Classes of the synthetic batch (as the peer's <c>--classes</c>).</summary>
    public const int Classes = 10;

    /// <summary>LoRA rank of every step and learn case (the peer's default).</summary>
    public const int Rank = 8;

    /// <summary>LoRA alpha of every step and learn case (the peer's default).</summary>
    public const int Alpha = 16;

    /// <summary>Gradient steps per stream batch in learn cases.</summary>
    public const int Iterations = 3;

    /// <summary>The PET spec of step and learn cases: LoRA r=8 on q and v of every layer of <see cref="Towers"/>.</summary>
    public string PetSpec => $"lora:r={Rank},alpha={Alpha},towers={Towers ?? "image"},layers=all,targets=q+v";

    /// <summary>True when the libtorch peer has the same case (its <c>bench</c> command: steps and inference).</summary>
    public bool PeerRuns => Kind is BenchKind.Step or BenchKind.Inference;

    /// <summary>The step case whose time predicts this learn case's throughput (same shape, batch and PET).</summary>
    public string? PredictingStep => Kind == BenchKind.Learn ? $"step_{Shape}_{Towers}_b{Batch}" : null;
}
