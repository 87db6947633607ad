namespace OnnxOll.Storage.Checkpoints;

/// <summary>Thrown when a checkpoint belongs to another base model or PET spec than the run resuming it.</summary>
public sealed class CheckpointMismatchException(string message) : InvalidOperationException(message);
