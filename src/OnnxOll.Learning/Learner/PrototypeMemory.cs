using System.Numerics.Tensors;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Learner;

/// <summary>Running class means of L2-normalised image embeddings (SimpleCIL's prototype classifier), updated online without gradients.</summary>
/// <remarks>Sums are kept in float32 in arrival order and checkpointed as they are, so a resumed run continues bit for bit.</remarks>
public sealed class PrototypeMemory
{
    /// <summary>Checkpoint state name of the per-class embedding sums [classes, dim].</summary>
    public const string SumName = "prototypes.sum";

    /// <summary>Checkpoint state name of the per-class image counts [classes].</summary>
    public const string CountName = "prototypes.count";

    private readonly List<float[]> sums = [];
    private readonly List<int> counts = [];

    /// <summary>An empty memory of embeddings of width <paramref name="dimension"/>.</summary>
    public PrototypeMemory(int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Dimension = dimension;
    }

    /// <summary>Width of an embedding.</summary>
    public int Dimension { get; }

    /// <summary>Number of classes with a slot (the highest class id added, plus one).</summary>
    public int Classes => counts.Count;

    /// <summary>Images added for <paramref name="classId"/>.</summary>
    public int Count(int classId) => classId < counts.Count ? counts[classId] : 0;

    /// <summary>Adds one image embedding of class <paramref name="classId"/>.</summary>
    public void Add(int classId, ReadOnlySpan<float> embedding)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classId);
        if (embedding.Length != Dimension)
        {
            throw new ArgumentException($"embedding of {embedding.Length} values, expected {Dimension}.", nameof(embedding));
        }

        while (counts.Count <= classId)
        {
            sums.Add(new float[Dimension]);
            counts.Add(0);
        }

        TensorPrimitives.Add(sums[classId], embedding, sums[classId]);
        counts[classId]++;
    }

    /// <summary>Writes the L2-normalised mean of <paramref name="classId"/> into <paramref name="destination"/>; false when the class has no image.</summary>
    public bool TryNormalizedMean(int classId, Span<float> destination)
    {
        if (Count(classId) == 0)
        {
            return false;
        }

        float norm = TensorPrimitives.Norm(sums[classId]);
        TensorPrimitives.Divide(sums[classId], norm > 0 ? norm : 1, destination);
        return true;
    }

    /// <summary>The memory as checkpoint state tensors.</summary>
    public IReadOnlyList<NamedTensor> ToTensors()
    {
        var flat = new float[counts.Count * Dimension];
        for (int c = 0; c < counts.Count; c++)
        {
            sums[c].CopyTo(flat, c * Dimension);
        }

        return [new NamedTensor(SumName, flat, [counts.Count, Dimension]), new NamedTensor(CountName, [.. counts.Select(n => (float)n)], [counts.Count])];
    }

    /// <summary>Replaces the memory by checkpoint state tensors; <paramref name="where"/> names the checkpoint in errors.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing, of another shape, or a count is not a non-negative whole number.</exception>
    public void Restore(IReadOnlyList<NamedTensor>? state, string where)
    {
        var sum = state?.FirstOrDefault(t => t.Name == SumName);
        var count = state?.FirstOrDefault(t => t.Name == CountName);
        if (sum is null || count is null)
        {
            throw new InvalidDataException($"{where}: state tensor '{(sum is null ? SumName : CountName)}' is missing; the run mixes prototype logits, so its checkpoints hold them.");
        }

        int classes = count.Data.Length;
        if (count.Shape.Length != 1 || sum.Shape.Length != 2 || sum.Shape[0] != classes || sum.Shape[1] != Dimension)
        {
            throw new InvalidDataException($"{where}: state tensor '{SumName}' is [{string.Join(", ", sum.Shape)}], expected [{classes}, {Dimension}].");
        }

        if (count.Data.Any(n => n < 0 || n != MathF.Floor(n)))
        {
            throw new InvalidDataException($"{where}: state tensor '{CountName}' holds a value that is not a whole number of images.");
        }

        sums.Clear();
        counts.Clear();
        for (int c = 0; c < classes; c++)
        {
            sums.Add(sum.Data.AsSpan(c * Dimension, Dimension).ToArray());
            counts.Add((int)count.Data[c]);
        }
    }
}
