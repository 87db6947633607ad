namespace OnnxOll.Benchmarks;

/// <summary>What a benchmark case times.</summary>
public enum BenchKind
{
    /// <summary>The online step: forward + backward + AdamW on one batch.</summary>
    Step,

    /// <summary>Image embeddings of one batch (no PET).</summary>
    Inference,

    /// <summary><c>learn</c> end to end on a synthetic stream (decode, preprocess, steps, checkpoints; evaluations when set).</summary>
    Learn,

    /// <summary>One large GEMM: the machine's float32 or int8 rate.</summary>
    Gemm,
}
