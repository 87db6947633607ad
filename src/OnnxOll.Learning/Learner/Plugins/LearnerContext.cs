using OnnxOll.Clip.Pet;
using OnnxOll.Inference;
using OnnxOll.Streams.Data;
using OnnxOll.Learning.Metrics;
using OnnxOll.Learning.Optim;

namespace OnnxOll.Learning.Learner.Plugins;

/// <summary>What the learner shows its plugins and what they may change: run state, PET tensors, gradients, the optimizer's
/// frozen set, loss-term inputs, task boundaries, the current batch and step, the latest results.</summary>
public sealed class LearnerContext
{
    private readonly AdamW optimizer;

    internal LearnerContext(ClipModelRuntime model, RunState state, PetParameters pet, LearnerOptions options, AdamW optimizer, IReadOnlyDictionary<string, float[]> gradients)
    {
        Model = model;
        State = state;
        Pet = pet;
        Options = options;
        this.optimizer = optimizer;
        Gradients = gradients;
    }

    /// <summary>The model being learned on (frozen weights, PET layout, preprocessing).</summary>
    public ClipModelRuntime Model { get; }

    /// <summary>Counters, vocabulary and evaluation records of the run.</summary>
    public RunState State { get; }

    /// <summary>The PET tensors being learned.</summary>
    public PetParameters Pet { get; }

    /// <summary>The run's settings.</summary>
    public LearnerOptions Options { get; }

    /// <summary>The PET gradients of the last backward pass by tensor name; <see cref="LearnerPlugin.AfterBackward"/> may change them.</summary>
    public IReadOnlyDictionary<string, float[]> Gradients { get; }

    /// <summary>The learned per-class text offsets (null unless the options learn them); a method may rewrite rows after a step.</summary>
    public TextOffsets? TextOffsets { get; internal init; }

    /// <summary>Values of the inputs that plugins' loss terms declared, fed at every step.</summary>
    public LossTermInputs TermInputs { get; } = new();

    /// <summary>Stream position just after the last batch trained on.</summary>
    public long Cursor { get; internal set; }

    /// <summary>The boundary being crossed (in the task hooks) or last crossed.</summary>
    public TaskBoundary? Boundary { get; internal set; }

    /// <summary>The stream's batch being trained on (null outside a batch); the samples trained on are those of the plan.</summary>
    public SampleBatch<float[]>? Batch { get; internal set; }

    /// <summary>The samples the current batch trains on (null outside a batch): the stream's, as plugins planned them.</summary>
    public BatchPlan? Plan { get; internal set; }

    /// <summary>The planned samples' staged pixels [n, C, H, W], in plan order (valid from BeforeBatch to AfterBatch).</summary>
    public ReadOnlyMemory<float> Pixels { get; internal set; }

    /// <summary>Vocabulary indices of the planned samples' labels, in plan order.</summary>
    public ReadOnlyMemory<int> BatchLabels { get; internal set; }

    /// <summary>The loss the current batch's steps use instead of <see cref="LearnerOptions.Loss"/> (e.g. replay's all-seen loss);
    /// null: the run's. A plugin sets it in PlanBatch or BeforeBatch; it is cleared after every batch.</summary>
    public LossKind? BatchLoss { get; set; }

    /// <summary>Index of the current gradient step within the batch.</summary>
    public int Iteration { get; internal set; }

    /// <summary>Loss of the last gradient step (NaN before the first).</summary>
    public float Loss { get; internal set; } = float.NaN;

    /// <summary>Each planned sample's cross-entropy over the last step's classes (from its logits), in plan order: what methods that rank
    /// samples by loss read (valid from AfterBackward of a step until the next step).</summary>
    public ReadOnlyMemory<float> SampleLosses { get; internal set; }

    /// <summary>Whether the last gradient step was skipped because its loss or gradients were not finite.</summary>
    public bool StepSkipped { get; internal set; }

    /// <summary>Test-then-train accuracy of the batch's stream samples, measured by a plugin before the batch's steps; written into
    /// its step record; cleared after every batch.</summary>
    public double? StreamAccuracy { get; set; }

    /// <summary>The batch's step record, set before <c>AfterBatch</c> (null: no gradient step was applied to it).</summary>
    public StepRecord? LastStep { get; internal set; }

    /// <summary>The record of the last evaluation, if any.</summary>
    public EvaluationRecord? LastEvaluation { get; internal set; }

    /// <summary>Path of the last checkpoint manifest written, or resumed from, if any.</summary>
    public string? LastCheckpoint { get; internal set; }

    /// <summary>Whether the run was cancelled (meaningful in AfterRun).</summary>
    public bool Cancelled { get; internal set; }

    /// <summary>Whether a plugin announced a boundary that the next batch crosses.</summary>
    public bool BoundaryPending { get; internal set; }

    /// <summary>Announces a task boundary (for task-free methods): before the next batch the task hooks fire, as they do at the
    /// scenario's boundaries; the announcement is checkpointed with the batch it followed.</summary>
    public void AnnounceTaskBoundary() => BoundaryPending = true;

    /// <summary>Freezes PET tensor <paramref name="name"/> (its gradient is zeroed and the optimizer leaves it), or thaws it.
    /// The frozen set is not checkpointed: a plugin that freezes restores it in <see cref="LearnerPlugin.RestoreState"/>.</summary>
    public void Freeze(string name, bool frozen = true) => optimizer.Freeze(name, frozen);

    /// <summary>Whether PET tensor <paramref name="name"/> is frozen.</summary>
    public bool IsFrozen(string name) => optimizer.IsFrozen(name);

    /// <summary>Zeroes the optimizer's moments and step count.</summary>
    public void ResetOptimizer() => optimizer.Reset();
}
