using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>Writes the name of every hook it receives, with the cursor and counters the learner showed at that moment.</summary>
internal sealed class RecordingPlugin : LearnerPlugin
{
    public List<string> Hooks { get; } = [];

    public List<(string Hook, long Cursor, long Samples)> Seen { get; } = [];

    public override void BeforeRun(LearnerContext context) => Add(nameof(BeforeRun), context);

    public override void BeforeTask(LearnerContext context) => Add(nameof(BeforeTask), context);

    public override void AfterTask(LearnerContext context) => Add(nameof(AfterTask), context);

    public override void PlanBatch(LearnerContext context, BatchPlan plan) => Add(nameof(PlanBatch), context);

    public override void BeforeBatch(LearnerContext context) => Add(nameof(BeforeBatch), context);

    public override void AfterBackward(LearnerContext context) => Add(nameof(AfterBackward), context);

    public override void AfterStream(LearnerContext context) => Add(nameof(AfterStream), context);

    public override void BeforeStep(LearnerContext context) => Add(nameof(BeforeStep), context);

    public override void AfterStep(LearnerContext context) => Add(nameof(AfterStep), context);

    public override void AfterBatch(LearnerContext context) => Add(nameof(AfterBatch), context);

    public override void BeforeEvaluation(LearnerContext context) => Add(nameof(BeforeEvaluation), context);

    public override void AfterEvaluation(LearnerContext context) => Add(nameof(AfterEvaluation), context);

    public override void BeforeCheckpoint(LearnerContext context) => Add(nameof(BeforeCheckpoint), context);

    public override void AfterCheckpoint(LearnerContext context) => Add(nameof(AfterCheckpoint), context);

    public override void AfterRun(LearnerContext context) => Add(nameof(AfterRun), context);

    private void Add(string hook, LearnerContext context)
    {
        Hooks.Add(hook);
        Seen.Add((hook, context.Cursor, context.State.SamplesSeen));
    }
}
