namespace OnnxOll.Pretraining;

/// <summary>What a pretraining job produced: the model folder, the classes, the per-epoch history and whether it ran to the end.</summary>
public sealed record PretrainResult(
    string ModelDirectory, IReadOnlyList<string> Classes, IReadOnlyList<PretrainEpoch> Epochs, bool Completed, int SkippedSteps, int SkippedImages, double Seconds);
