namespace OnnxOll.Storage.Checkpoints;

/// <summary>A float32 tensor to checkpoint: name, row-major data and shape.</summary>
public sealed record NamedTensor
{
    /// <summary>Creates a tensor; the shape's element count must equal the data length.</summary>
    public NamedTensor(string name, float[] data, params long[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long count = shape.Aggregate(1L, (a, d) => d < 0 ? -1 : a * d);
        if (count != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(", ", shape)}] holds {count} elements, data has {data.Length}.", nameof(shape));
        }

        Name = name;
        Data = data;
        Shape = shape;
    }

    /// <summary>The tensor name (PEFT convention for PET tensors).</summary>
    public string Name { get; }

    /// <summary>The values, row-major.</summary>
    public float[] Data { get; }

    /// <summary>The dimensions.</summary>
    public long[] Shape { get; }
}
