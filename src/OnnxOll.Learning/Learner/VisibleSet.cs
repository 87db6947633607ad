namespace OnnxOll.Learning.Learner;

/// <summary>The classes one step's softmax ranges over, and each image's position in them; buffers are reused.</summary>
/// <remarks>For SIT the set is the batch's distinct labels in order of first appearance; for the baseline it is every class seen.</remarks>
public sealed class VisibleSet
{
    private int[] positionOfClass;
    private int[] classes;
    private float[] mask;
    private readonly long[] targets;

    /// <summary>Creates buffers for batches of up to <paramref name="maxBatch"/> images; class buffers start at <paramref name="maxClasses"/> and grow.</summary>
    public VisibleSet(int maxBatch, int maxClasses)
    {
        positionOfClass = new int[maxClasses];
        classes = new int[maxClasses];
        mask = new float[maxClasses];
        targets = new long[maxBatch];
    }

    /// <summary>What the mask adds to the logit of a class outside the batch: exp of it underflows to 0 in float32.</summary>
    public const float OutsideBatch = -1e4f;

    /// <summary>Number of classes in the set.</summary>
    public int Count { get; private set; }

    /// <summary>Class ids of the set, by position.</summary>
    public ReadOnlySpan<int> Classes => classes.AsSpan(0, Count);

    /// <summary>Additive mask by position: 0 for a class of the batch, <see cref="OutsideBatch"/> otherwise (filled for <see cref="LossKind.All"/>,
    /// whose SIT term it selects).</summary>
    public ReadOnlySpan<float> Mask => mask.AsSpan(0, Count);

    /// <summary>Position in the set of each image's class.</summary>
    public ReadOnlySpan<long> Targets => targets.AsSpan(0, BatchSize);

    /// <summary>Number of images of the last batch.</summary>
    public int BatchSize { get; private set; }

    /// <summary>Fills the set for a batch of class ids; <paramref name="seenClasses"/> is the vocabulary size (used by <see cref="LossKind.All"/>).</summary>
    public void Fill(ReadOnlySpan<int> labels, LossKind kind, int seenClasses)
    {
        if (labels.Length > targets.Length)
        {
            throw new ArgumentException($"Batch of {labels.Length} images exceeds the capacity {targets.Length}.", nameof(labels));
        }

        if (seenClasses > positionOfClass.Length)
        {
            // Classes keep arriving (no preset count): grow geometrically, so this allocates only a handful of times per run.
            int capacity = Math.Max(seenClasses, positionOfClass.Length * 2);
            positionOfClass = new int[capacity];
            classes = new int[capacity];
            mask = new float[capacity];
        }

        BatchSize = labels.Length;
        Count = 0;
        if (kind == LossKind.All)
        {
            for (int c = 0; c < seenClasses; c++)
            {
                classes[c] = c;
            }

            Count = seenClasses;
            mask.AsSpan(0, seenClasses).Fill(OutsideBatch);
            for (int i = 0; i < labels.Length; i++)
            {
                targets[i] = labels[i];
                mask[labels[i]] = 0;
            }

            return;
        }

        positionOfClass.AsSpan(0, seenClasses).Fill(-1);
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels[i];
            if (positionOfClass[c] < 0)
            {
                positionOfClass[c] = Count;
                classes[Count++] = c;
            }

            targets[i] = positionOfClass[c];
        }
    }
}
