namespace OnnxOll.Learning.Metrics;

/// <summary>One stream batch trained on: its loss and gradient norm (means over the batch's applied gradient steps), learning rate and softmax size.</summary>
/// <remarks>A batch without an applied step (zero-shot runs, every step skipped as non-finite) has no record; skipped steps are left out of the means.
/// <see cref="StreamAccuracy"/> is the test-then-train accuracy a plugin measured on the batch before training on it (the service's), if any.</remarks>
public sealed record StepRecord(
    long Batch,
    long SamplesSeen,
    int Task,
    float Loss,
    float GradNorm,
    float LearningRate,
    int Classes,
    double? StreamAccuracy = null);
