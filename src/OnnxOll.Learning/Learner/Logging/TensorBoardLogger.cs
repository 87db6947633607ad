using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Logging;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner.Logging;

/// <summary>Writes the run's steps and evaluations as TensorBoard scalars (<c>learn --tensorboard DIR</c>), stepped by samples seen.</summary>
/// <remarks>Tags: <c>train/loss</c>, <c>train/grad_norm</c>, <c>train/lr</c>, <c>train/classes</c>, <c>eval/&lt;kind&gt;_accuracy</c>.
/// Each run opens a new event file; a resumed one starts it with a session start at the first sample after the checkpoint, so
/// TensorBoard drops the interrupted run's events past the checkpoint and shows each step once.</remarks>
public sealed class TensorBoardLogger(string directory) : LearnerPlugin, IDisposable
{
    private TensorBoardWriter? writer;

    /// <summary>The event file being written (null before the run starts).</summary>
    public string? EventFile => writer?.Path;

    public override void BeforeRun(LearnerContext context)
    {
        writer?.Dispose();
        writer = new TensorBoardWriter(directory);
        if (context.State.SamplesSeen > 0)
        {
            writer.Restart(context.State.SamplesSeen + 1);
        }
    }

    public override void AfterBatch(LearnerContext context)
    {
        if (context.LastStep is { } s)
        {
            writer?.Scalars(s.SamplesSeen, [("train/loss", s.Loss), ("train/grad_norm", s.GradNorm), ("train/lr", s.LearningRate), ("train/classes", s.Classes)]);
        }
    }

    public override void AfterEvaluation(LearnerContext context)
    {
        if (context.LastEvaluation is { } e)
        {
            writer?.Scalars(e.SamplesSeen, [($"eval/{EvaluationRecordJson.KindName(e.Kind)}_accuracy", (float)e.Accuracy)]);
        }
    }

    public override void AfterCheckpoint(LearnerContext context) => writer?.Sync();

    public override void AfterRun(LearnerContext context) => Dispose();

    /// <inheritdoc/>
    public void Dispose()
    {
        writer?.Dispose();
        writer = null;
    }
}
