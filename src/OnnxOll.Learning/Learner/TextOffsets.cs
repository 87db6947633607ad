using System.Numerics.Tensors;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Learner;

/// <summary>A learned offset per class added to its normalised text features (then renormalised), trained by a row-sparse Adam:
/// only the classes of a step's softmax move, so classes absent from the stream keep their offsets.</summary>
public sealed class TextOffsets
{
    /// <summary>State tensor names: values [C, P], Adam moments [C, P] and per-class step counts [C].</summary>
    public const string ValuesName = "text_offsets.value", FirstMomentName = "text_offsets.m", SecondMomentName = "text_offsets.v", StepsName = "text_offsets.steps";

    private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;
    private readonly List<float[]> values = [], first = [], second = [];
    private readonly List<int> steps = [];
    private readonly float learningRate;

    /// <summary>Offsets of width <paramref name="dimension"/>, zero (the prompt's own features) until a class is trained.</summary>
    public TextOffsets(int dimension, float learningRate)
    {
        Dimension = dimension;
        this.learningRate = learningRate;
    }

    /// <summary>Width of an offset.</summary>
    public int Dimension { get; }

    /// <summary>Classes with an offset row (those trained so far, and any below them).</summary>
    public int Count => values.Count;

    /// <summary>Replaces the offset of <paramref name="classId"/> (a method's own update rule; the Adam moments stay as they are).</summary>
    public void SetRow(int classId, ReadOnlySpan<float> offset)
    {
        if (offset.Length != Dimension)
        {
            throw new ArgumentException($"A text offset has {Dimension} values, got {offset.Length}.", nameof(offset));
        }

        offset.CopyTo(values[Grow(classId)]);
    }

    /// <summary>The offset of <paramref name="classId"/> (zero for a class never trained).</summary>
    public ReadOnlySpan<float> Row(int classId) => classId < values.Count ? values[classId] : new float[Dimension];

    /// <summary>Copies the offsets of <paramref name="classes"/> into <paramref name="destination"/>, one row per class.</summary>
    public void Gather(ReadOnlySpan<int> classes, Span<float> destination)
    {
        for (int i = 0; i < classes.Length; i++)
        {
            Row(classes[i]).CopyTo(destination.Slice(i * Dimension, Dimension));
        }
    }

    /// <summary>One Adam step on the rows of <paramref name="classes"/> with their <paramref name="gradients"/> (one row per class).</summary>
    public void Step(ReadOnlySpan<int> classes, ReadOnlySpan<float> gradients)
    {
        for (int i = 0; i < classes.Length; i++)
        {
            int c = Grow(classes[i]);
            int t = ++steps[c];
            float correction1 = 1 - MathF.Pow(Beta1, t), correction2 = 1 - MathF.Pow(Beta2, t);
            var g = gradients.Slice(i * Dimension, Dimension);
            var (value, m, v) = (values[c], first[c], second[c]);
            for (int j = 0; j < Dimension; j++)
            {
                m[j] = (Beta1 * m[j]) + ((1 - Beta1) * g[j]);
                v[j] = (Beta2 * v[j]) + ((1 - Beta2) * g[j] * g[j]);
                value[j] -= learningRate * (m[j] / correction1) / (MathF.Sqrt(v[j] / correction2) + Epsilon);
            }
        }
    }

    /// <summary>normalise(<paramref name="text"/> + offset of <paramref name="classId"/>) into <paramref name="destination"/>.</summary>
    public void Apply(int classId, ReadOnlySpan<float> text, Span<float> destination)
    {
        TensorPrimitives.Add(text, Row(classId), destination);
        float norm = TensorPrimitives.Norm(destination);
        TensorPrimitives.Divide(destination, norm > 0 ? norm : 1, destination);
    }

    /// <summary>The offsets and optimizer state as checkpoint state tensors.</summary>
    public IReadOnlyList<NamedTensor> ToTensors()
    {
        int classes = values.Count;
        return
        [
            new NamedTensor(ValuesName, Flatten(values), [classes, Dimension]),
            new NamedTensor(FirstMomentName, Flatten(first), [classes, Dimension]),
            new NamedTensor(SecondMomentName, Flatten(second), [classes, Dimension]),
            new NamedTensor(StepsName, [.. steps.Select(n => (float)n)], [classes]),
        ];
    }

    /// <summary>Replaces the offsets by checkpoint state tensors; <paramref name="where"/> names the checkpoint in errors.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing, of another shape, or a step count is not a whole number.</exception>
    public void Restore(IReadOnlyList<NamedTensor>? state, string where)
    {
        NamedTensor Find(string name) => state?.FirstOrDefault(t => t.Name == name)
            ?? throw new InvalidDataException($"{where}: state tensor '{name}' is missing; the run learns text offsets, so its checkpoints hold them.");
        var count = Find(StepsName);
        int classes = count.Data.Length;
        var rows = new[] { Find(ValuesName), Find(FirstMomentName), Find(SecondMomentName) };
        if (rows.FirstOrDefault(t => t.Shape.Length != 2 || t.Shape[0] != classes || t.Shape[1] != Dimension) is { } bad)
        {
            throw new InvalidDataException($"{where}: state tensor '{bad.Name}' is [{string.Join(", ", bad.Shape)}], expected [{classes}, {Dimension}].");
        }

        if (count.Data.Any(n => n < 0 || n != MathF.Floor(n)))
        {
            throw new InvalidDataException($"{where}: state tensor '{StepsName}' holds a value that is not a whole number of steps.");
        }

        foreach (var (list, tensor) in new[] { values, first, second }.Zip(rows))
        {
            list.Clear();
            list.AddRange(Enumerable.Range(0, classes).Select(c => tensor.Data.AsSpan(c * Dimension, Dimension).ToArray()));
        }

        steps.Clear();
        steps.AddRange(count.Data.Select(n => (int)n));
    }

    private int Grow(int classId)
    {
        while (values.Count <= classId)
        {
            values.Add(new float[Dimension]);
            first.Add(new float[Dimension]);
            second.Add(new float[Dimension]);
            steps.Add(0);
        }

        return classId;
    }

    private float[] Flatten(List<float[]> rows)
    {
        var flat = new float[rows.Count * Dimension];
        for (int c = 0; c < rows.Count; c++)
        {
            rows[c].CopyTo(flat, c * Dimension);
        }

        return flat;
    }
}
