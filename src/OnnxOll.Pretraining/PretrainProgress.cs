namespace OnnxOll.Pretraining;

/// <summary>A progress report: after a step (<see cref="ZeroShotAccuracy"/> null) or at an epoch end (with the epoch's zero-shot accuracy).</summary>
public sealed record PretrainProgress(
    long Step, long TotalSteps, int Epoch, float Loss, float LearningRate, float LogitScale, double SamplesPerSecond, double? ZeroShotAccuracy);
