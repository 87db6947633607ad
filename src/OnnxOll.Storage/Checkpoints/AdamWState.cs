namespace OnnxOll.Storage.Checkpoints;

/// <summary>A copy of the optimizer state: step counter and first/second moments per parameter name.</summary>
public sealed record AdamWState(
    long Step,
    IReadOnlyDictionary<string, float[]> FirstMoments,
    IReadOnlyDictionary<string, float[]> SecondMoments);
