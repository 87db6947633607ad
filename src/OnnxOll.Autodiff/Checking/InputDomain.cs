namespace OnnxOll.Autodiff.Checking;

/// <summary>How a random check input is drawn: the transform applied to a uniform sample so the op is smooth there.</summary>
public sealed record InputDomain(InputDomainKind Kind, long Bound = 0)
{
    /// <summary>Uniform in [-1, 1).</summary>
    public static InputDomain Uniform { get; } = new(InputDomainKind.Uniform);

    /// <summary>|u| + 1, for Sqrt, Log, Pow bases.</summary>
    public static InputDomain Positive { get; } = new(InputDomainKind.Positive);

    /// <summary>sign(u)·(|u| + 0.5), for denominators.</summary>
    public static InputDomain AwayFromZero { get; } = new(InputDomainKind.AwayFromZero);

    /// <summary>Random booleans (for conditions).</summary>
    public static InputDomain Mask { get; } = new(InputDomainKind.Mask);

    /// <summary>Integers in [0, <paramref name="bound"/>) (for indices and class targets).</summary>
    public static InputDomain Indices(long bound) => new(InputDomainKind.Indices, bound);

    /// <summary>Draws one value.</summary>
    public double Draw(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double u = (2 * rng.NextDouble()) - 1;
        return Kind switch
        {
            InputDomainKind.Positive => Math.Abs(u) + 1,
            InputDomainKind.AwayFromZero => Math.Sign(u) * (Math.Abs(u) + 0.5),
            InputDomainKind.Mask => rng.Next(2),
            InputDomainKind.Indices => rng.NextInt64(Bound),
            _ => u,
        };
    }
}
