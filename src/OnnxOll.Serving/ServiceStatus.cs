namespace OnnxOll.Serving;

/// <summary>What <c>GET /v1/status</c> reports.</summary>
public sealed record ServiceStatus(
    bool Ready,
    long SamplesLearned,
    long Batches,
    string Source,
    long LogEnd,
    long LogConsumed,
    long Lag,
    IReadOnlyList<string> Classes,
    double? Loss,
    double? Accuracy,
    string? Checkpoint,
    long? CheckpointCursor,
    int SkippedImages,
    int SkippedSteps,
    IReadOnlyList<StatusPoint> History,
    IReadOnlyList<RecentPrediction> RecentPredictions,
    string? Error);
