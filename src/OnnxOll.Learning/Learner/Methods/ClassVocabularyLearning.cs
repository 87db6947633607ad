using System.Numerics.Tensors;
using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>Class-vocabulary learning, the vocabulary half of CoLeCLIP (Li et al., 2024), on the learner's per-class text offsets
/// (<see cref="TextOffsets"/>, <c>--text-offset-lr</c>): each class's text features are normalise(prompt embedding + offset), the offset
/// starting at zero; after every step a class's offset takes the stable momentum update o ← o_prev + α·(o_step − o_prev).</summary>
/// <remarks>CoLeCLIP keeps a vocabulary entry e per class and after each step sets e ← normalise(α·t + (1 − α)·e), t being the step's
/// class embedding, for the current task's classes only. Here the entry is the offset (normalised where it is used), α applies to the
/// classes with images in the batch, and <see cref="ClassVocabularyOptions.OldClassMomentum"/> to those only in the softmax, so old
/// classes drift slowly (not at all by default). Its state is the offsets themselves, which every checkpoint already holds.</remarks>
public sealed class ClassVocabularyLearning : LearnerPlugin
{
    private readonly ClassVocabularyOptions options;
    private float[] previous = [];
    private bool[] inBatch = [];
    private float[] row = [];
    private int rows;

    /// <summary>The momentum rule with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside [0, 1].</exception>
    public ClassVocabularyLearning(ClassVocabularyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
    }

    /// <inheritdoc/>
    public override string Name => "class-vocabulary";

    /// <summary>o ← o_prev + <paramref name="momentum"/>·(o − o_prev), in place in <paramref name="offset"/>.</summary>
    public static void Blend(ReadOnlySpan<float> previous, Span<float> offset, float momentum)
    {
        TensorPrimitives.Subtract(offset, previous, offset);
        TensorPrimitives.MultiplyAdd(offset, momentum, previous, offset);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The run learns no text offsets.</exception>
    public override void BeforeRun(LearnerContext context)
    {
        if (context.TextOffsets is null)
        {
            throw new ArgumentException("Class-vocabulary learning moves the learned text offsets: set a text-offset learning rate above 0 (--text-offset-lr).");
        }
    }

    /// <inheritdoc/>
    public override void BeforeStep(LearnerContext context)
    {
        var offsets = context.TextOffsets!;
        int dim = offsets.Dimension;
        rows = context.State.Vocabulary.Count;
        if (previous.Length < rows * dim)
        {
            previous = new float[rows * dim];
            inBatch = new bool[rows];
        }

        for (int c = 0; c < rows; c++)
        {
            offsets.Row(c).CopyTo(previous.AsSpan(c * dim, dim));
            inBatch[c] = false;
        }

        foreach (int label in context.BatchLabels.Span)
        {
            if (label >= 0 && label < rows)
            {
                inBatch[label] = true;
            }
        }
    }

    /// <inheritdoc/>
    public override void AfterStep(LearnerContext context)
    {
        var offsets = context.TextOffsets!;
        if (context.StepSkipped)
        {
            return;
        }

        int dim = offsets.Dimension;
        if (row.Length != dim)
        {
            row = new float[dim];
        }

        for (int c = 0; c < Math.Min(rows, offsets.Count); c++)
        {
            offsets.Row(c).CopyTo(row);
            Blend(previous.AsSpan(c * dim, dim), row, inBatch[c] ? options.Momentum : options.OldClassMomentum);
            offsets.SetRow(c, row);
        }
    }
}
