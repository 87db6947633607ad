namespace OnnxOll.Learning.Learner.Plugins;

/// <summary>Extends the online learner on its named hooks; every hook does nothing unless overridden.</summary>
/// <remarks>Hooks run on the learner's thread in this order: BeforeRun; per batch BeforeBatch, (BeforeStep, AfterStep)
/// per iteration, AfterBatch, then BeforeEvaluation/AfterEvaluation when one is due and BeforeCheckpoint/AfterCheckpoint
/// when one is written; AfterRun last. A plugin must not change the PET tensors outside the step hooks.</remarks>
public abstract class LearnerPlugin
{
    /// <summary>Before the first batch of a run (after any resume).</summary>
    public virtual void BeforeRun(LearnerContext context)
    {
    }

    /// <summary>After a batch arrived and its labels joined the vocabulary, before its first gradient step.</summary>
    public virtual void BeforeBatch(LearnerContext context)
    {
    }

    /// <summary>Before one gradient step (iteration) on the current batch.</summary>
    public virtual void BeforeStep(LearnerContext context)
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
}
