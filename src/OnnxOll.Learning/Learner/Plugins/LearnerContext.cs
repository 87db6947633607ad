using OnnxOll.Clip.Pet;
using OnnxOll.Learning.Data;
using OnnxOll.Learning.Metrics;

namespace OnnxOll.Learning.Learner.Plugins;

/// <summary>What the learner shows its plugins: run state, PET tensors, the current batch and step, the latest results.</summary>
public sealed class LearnerContext
{
    internal LearnerContext(RunState state, PetParameters pet, LearnerOptions options)
    {
        State = state;
        Pet = pet;
        Options = options;
    }

    /// <summary>Counters, vocabulary and evaluation records of the run.</summary>
    public RunState State { get; }

    /// <summary>The PET tensors being learned.</summary>
    public PetParameters Pet { get; }

    /// <summary>The run's settings.</summary>
    public LearnerOptions Options { get; }

    /// <summary>Stream position just after the last batch trained on.</summary>
    public long Cursor { get; internal set; }

    /// <summary>The batch being trained on (null outside a batch).</summary>
    public SampleBatch<float[]>? Batch { get; internal set; }

    /// <summary>Vocabulary indices of the current batch's labels.</summary>
    public ReadOnlyMemory<int> BatchLabels { get; internal set; }

    /// <summary>Index of the current gradient step within the batch.</summary>
    public int Iteration { get; internal set; }

    /// <summary>Loss of the last gradient step (NaN before the first).</summary>
    public float Loss { get; internal set; } = float.NaN;

    /// <summary>Whether the last gradient step was skipped because its loss or gradients were not finite.</summary>
    public bool StepSkipped { get; internal set; }

    /// <summary>The record of the last evaluation, if any.</summary>
    public EvaluationRecord? LastEvaluation { get; internal set; }

    /// <summary>Path of the last checkpoint manifest written, or resumed from, if any.</summary>
    public string? LastCheckpoint { get; internal set; }

    /// <summary>Whether the run was cancelled (meaningful in AfterRun).</summary>
    public bool Cancelled { get; internal set; }
}
