using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner.Standard;

/// <summary>When the learner evaluates: every <see cref="LearnerOptions.EvalEvery"/> stream samples (anytime), at the end of each
/// task the scenario draws (task end; announced boundaries do not count) and once when the stream ends (final).</summary>
internal sealed class EvaluationSchedule(LearnerEvaluation evaluation, long interval) : LearnerPlugin
{
    private readonly AnytimeAccuracy anytime = new(Math.Max(1, interval));
    private long samplesBefore;

    public override void BeforeBatch(LearnerContext context) => samplesBefore = context.State.SamplesSeen;

    public override void AfterBatch(LearnerContext context)
    {
        if (interval > 0 && anytime.IsDue(samplesBefore, context.State.SamplesSeen))
        {
            evaluation.EvaluateSeen(EvaluationKind.Anytime);
        }
    }

    public override void AfterTask(LearnerContext context)
    {
        if (context.Boundary is { Announced: false })
        {
            evaluation.EvaluateSeen(EvaluationKind.TaskEnd);
        }
    }

    public override void AfterStream(LearnerContext context) => evaluation.EvaluateSeen(EvaluationKind.Final);
}
