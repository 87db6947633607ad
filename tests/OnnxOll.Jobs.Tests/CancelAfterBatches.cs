using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Jobs.Tests;

/// <summary>Cancels the run after <paramref name="batches"/> batches, as Ctrl-C would.</summary>
internal sealed class CancelAfterBatches(int batches, CancellationTokenSource cancel) : LearnerPlugin
{
    public override void AfterBatch(LearnerContext context)
    {
        if (context.State.Batches >= batches)
        {
            cancel.Cancel();
        }
    }
}
