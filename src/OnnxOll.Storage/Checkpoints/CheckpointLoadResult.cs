namespace OnnxOll.Storage.Checkpoints;

/// <summary>The outcome of <see cref="CheckpointStore.LoadLatest"/>: the newest good checkpoint (or none) and the newer ones skipped, with reasons.</summary>
public sealed record CheckpointLoadResult(Checkpoint? Checkpoint, string? ManifestPath, IReadOnlyList<string> Skipped);
