using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Serving;

/// <summary>Tells the service's log about every checkpoint the learner writes: its file, the samples and batches it covers.</summary>
internal sealed class CheckpointNotes(Action<string> note) : LearnerPlugin
{
    public override void AfterCheckpoint(LearnerContext context) => note(
        $"checkpoint {Path.GetFileName(context.LastCheckpoint)}: {context.State.SamplesSeen} samples in {context.State.Batches} batches, log position {context.Cursor}");
}
