namespace OnnxOll.Storage.Checkpoints;

/// <summary>The resume rule every run shares: continue from the latest good checkpoint; newer ones that fail their checks are set aside
/// as <c>*.rejected</c> with one warning line naming them, and a run folder whose checkpoints all fail is refused unchanged.</summary>
public static class CheckpointFallback
{
    /// <summary>Removes what an interrupted save left, then loads the latest good checkpoint; null when the store holds none.</summary>
    /// <param name="store">The run's checkpoint store.</param>
    /// <param name="expectedModelHash">The model the run uses, or null to accept the checkpoint's own.</param>
    /// <param name="expectedPetSpec">The PET spec the run uses, or null to accept the checkpoint's own.</param>
    /// <param name="validate">Further checks of a readable checkpoint: a problem, or null when it can be resumed.</param>
    /// <param name="warning">Hears of removed leftovers and of the checkpoints fallen back past.</param>
    /// <exception cref="InvalidDataException">Checkpoints exist but none can be resumed; nothing is changed.</exception>
    /// <exception cref="CheckpointMismatchException">The newest readable checkpoint is of another model hash or PET spec.</exception>
    public static ResumePoint? Resume(CheckpointStore store, string? expectedModelHash, string? expectedPetSpec, Func<Checkpoint, string?>? validate = null, Action<string>? warning = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        var removed = store.RemoveOrphans();
        if (removed.Count > 0)
        {
            warning?.Invoke($"removed what an interrupted checkpoint save left: {string.Join(", ", removed)}");
        }

        var loaded = store.LoadLatest(expectedModelHash, expectedPetSpec, validate);
        if (loaded.Checkpoint is not { } checkpoint)
        {
            // Starting again from scratch would silently redo the work and prune the damaged files away.
            return loaded.Skipped.Count == 0
                ? null
                : throw new InvalidDataException($"{store.RunDirectory}: no checkpoint can be resumed and nothing was changed: {string.Join("; ", loaded.Skipped)}");
        }

        if (loaded.Skipped.Count > 0)
        {
            var aside = store.SetAsideNewerThan(checkpoint.Step);
            warning?.Invoke($"FELL BACK to {Path.GetFileName(loaded.ManifestPath)} (step {checkpoint.Step}): {string.Join("; ", loaded.Skipped)}; "
                + $"set aside as *{CheckpointStore.RejectedSuffix}: {string.Join(", ", aside)}");
        }

        return new ResumePoint(checkpoint, loaded.ManifestPath!);
    }
}
