namespace OnnxOll.Autodiff.Checking;

/// <summary>The families of <see cref="InputDomain"/>.</summary>
public enum InputDomainKind
{
    /// <summary>Uniform in [-1, 1).</summary>
    Uniform,

    /// <summary>|u| + 1.</summary>
    Positive,

    /// <summary>sign(u)·(|u| + 0.5).</summary>
    AwayFromZero,

    /// <summary>Booleans.</summary>
    Mask,

    /// <summary>Integers in [0, bound).</summary>
    Indices,
}
