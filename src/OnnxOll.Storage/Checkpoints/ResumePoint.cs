namespace OnnxOll.Storage.Checkpoints;

/// <summary>The checkpoint a resume continues from and the manifest it was read from.</summary>
public sealed record ResumePoint(Checkpoint Checkpoint, string ManifestPath);
