namespace OnnxOll.Learning.Optim;

/// <summary>A trainable float buffer and its gradient buffer of the same length, under a stable name.</summary>
/// <remarks>The optimizer updates <see cref="Value"/> in place and reads <see cref="Gradient"/>; both stay owned by the caller.</remarks>
public sealed class NamedParameter
{
    /// <summary>Creates a parameter; the value and gradient buffers must have the same length.</summary>
    public NamedParameter(string name, Memory<float> value, Memory<float> gradient)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (value.Length != gradient.Length)
        {
            throw new ArgumentException(
                $"Parameter '{name}': gradient length {gradient.Length} differs from value length {value.Length}.",
                nameof(gradient));
        }

        Name = name;
        Value = value;
        Gradient = gradient;
    }

    /// <summary>The parameter name (PEFT-style, e.g. <c>...q_proj.lora_A</c>).</summary>
    public string Name { get; }

    /// <summary>The parameter values, updated in place.</summary>
    public Memory<float> Value { get; }

    /// <summary>The gradient of the loss with respect to <see cref="Value"/>.</summary>
    public Memory<float> Gradient { get; }

    /// <summary>Whether decoupled weight decay applies (open_clip exempts every parameter of fewer than 2 dimensions).</summary>
    public bool Decay { get; init; } = true;
}
