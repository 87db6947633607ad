using System.Globalization;

namespace OnnxOll.Autodiff.Checking;

/// <summary>The outcome of a finite-difference check: worst errors over every entry of every trainable's gradient.</summary>
public sealed record GradientCheckResult(double MaxAbsoluteError, double MaxRelativeError, int Entries, int Seed, string WorstEntry, double Tolerance)
{
    /// <summary>True when every entry is within the tolerance.</summary>
    public bool Passed => MaxRelativeError <= Tolerance;

    /// <summary>One line: pass/fail, errors, the worst entry and the seed to reproduce it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{(Passed ? "pass" : "FAIL")}: max rel {MaxRelativeError:G3} (tol {Tolerance:G3}), max abs {MaxAbsoluteError:G3} over {Entries} entries; worst {WorstEntry}; seed {Seed}");
}
