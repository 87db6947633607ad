namespace OnnxOll.Autodiff.Checking;

/// <summary>Settings of <see cref="FiniteDifferenceChecker"/>.</summary>
public sealed class FiniteDifferenceOptions
{
    /// <summary>Seed of the random inputs and the random upstream projection.</summary>
    public int Seed { get; init; } = 20260523;

    /// <summary>Central-difference step h: (L(x+h) - L(x-h)) / 2h.</summary>
    public double Step { get; init; } = 1e-6;

    /// <summary>Largest accepted relative error (see <see cref="Floor"/>).</summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>An entry's error is divided by max(|fd|, Floor · max|fd| over the trainable), so near-zero entries are
    /// judged on the trainable's gradient scale.</summary>
    public double Floor { get; init; } = 1e-3;
}
