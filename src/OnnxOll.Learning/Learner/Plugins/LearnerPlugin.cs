using OnnxOll.Clip.Graphs;
using OnnxOll.Inference;

namespace OnnxOll.Learning.Learner.Plugins;

/// <summary>Changes or observes the online learner on its named hooks; every hook does nothing unless overridden.</summary>
/// <remarks>Hooks run on the learner's thread, user plugins first, then the standard ones (evaluation, metrics log, plots,
/// optimizer reset). Order: BeforeRun; at a task boundary AfterTask then BeforeTask; per batch PlanBatch (before pixels are
/// staged), BeforeBatch, per iteration BeforeStep, AfterBackward, AfterStep; AfterBatch; evaluations and checkpoints when due;
/// at the stream's end AfterTask and AfterStream; AfterRun last. <see cref="LossTerms"/> is asked once, before the first step.</remarks>
public abstract class LearnerPlugin
{
    /// <summary>Names the plugin's state in checkpoints (unique among a learner's plugins).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>Scalar terms this plugin adds to the training loss (built into the graph before autodiff); their inputs are fed
    /// through <see cref="LearnerContext.TermInputs"/>.</summary>
    public virtual IEnumerable<TrainingLossTerm> LossTerms(LearnerContext context) => [];

    /// <summary>Routes inputs at inference: which images the learned PET model serves and which the frozen model (zero-shot);
    /// asked before each evaluation, the first plugin's router wins (null: none).</summary>
    public virtual IInputRouter? Router(LearnerContext context) => null;

    /// <summary>The plugin's state for a checkpoint (null: none), written atomically with the PET tensors.</summary>
    public virtual PluginState? SaveState(LearnerContext context) => null;

    /// <summary>Restores what <see cref="SaveState"/> wrote, on resume, before <see cref="BeforeRun"/>.</summary>
    public virtual void RestoreState(LearnerContext context, PluginState state)
    {
    }

    /// <summary>Before the first batch of a run (after any resume).</summary>
    public virtual void BeforeRun(LearnerContext context)
    {
    }

    /// <summary>A task begins; <see cref="LearnerContext.Boundary"/> says whether the scenario or a plugin announced it.</summary>
    public virtual void BeforeTask(LearnerContext context)
    {
    }

    /// <summary>A task ended (the scenario moved on, a plugin announced a boundary, or the stream ended).</summary>
    public virtual void AfterTask(LearnerContext context)
    {
    }

    /// <summary>Before the batch's pixels are staged: the plan may add samples (replay), replace or remove them.</summary>
    public virtual void PlanBatch(LearnerContext context, BatchPlan plan)
    {
    }

    /// <summary>After the batch's labels joined the vocabulary and its pixels were staged, before its first gradient step.</summary>
    public virtual void BeforeBatch(LearnerContext context)
    {
    }

    /// <summary>Before one gradient step (iteration) on the current batch; set loss-term inputs here.</summary>
    public virtual void BeforeStep(LearnerContext context)
    {
    }

    /// <summary>After backward, before the optimizer: <see cref="LearnerContext.Gradients"/> may be read and changed.</summary>
    public virtual void AfterBackward(LearnerContext context)
    {
    }

    /// <summary>After one gradient step: the optimizer has updated the PET tensors (unless the step was skipped).</summary>
    public virtual void AfterStep(LearnerContext context)
    {
    }

    /// <summary>After every step of a batch and the counters were advanced past it.</summary>
    public virtual void AfterBatch(LearnerContext context)
    {
    }

    /// <summary>Before an evaluation.</summary>
    public virtual void BeforeEvaluation(LearnerContext context)
    {
    }

    /// <summary>After an evaluation; <see cref="LearnerContext.LastEvaluation"/> holds its record.</summary>
    public virtual void AfterEvaluation(LearnerContext context)
    {
    }

    /// <summary>The stream ended (not on cancellation), after the last task's <see cref="AfterTask"/>, before the final checkpoint.</summary>
    public virtual void AfterStream(LearnerContext context)
    {
    }

    /// <summary>Before a checkpoint is written.</summary>
    public virtual void BeforeCheckpoint(LearnerContext context)
    {
    }

    /// <summary>After a checkpoint was written; it covers the stream up to <see cref="LearnerContext.Cursor"/>.</summary>
    public virtual void AfterCheckpoint(LearnerContext context)
    {
    }

    /// <summary>After the last batch (or a cancellation) and the final checkpoint.</summary>
    public virtual void AfterRun(LearnerContext context)
    {
    }

    /// <summary>The method's own measurements for the run's summary (null: none), asked once the run ended and the holdout classes were
    /// scored; they appear in summary.json as <c>methods.&lt;plugin name&gt;.&lt;key&gt;</c> (finite values only).</summary>
    public virtual IReadOnlyDictionary<string, double>? SummaryMetrics(LearnerContext context) => null;
}
