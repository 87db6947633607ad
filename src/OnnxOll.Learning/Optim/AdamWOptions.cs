namespace OnnxOll.Learning.Optim;

/// <summary>Hyper-parameters of <see cref="AdamW"/>; defaults are the SIT paper's (lr 5e-4, wd 1e-5).</summary>
public sealed record AdamWOptions
{
    /// <summary>Step size.</summary>
    public float LearningRate { get; init; } = 5e-4f;

    /// <summary>Decay rate of the first moment.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Decay rate of the second moment.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Added to the bias-corrected root of the second moment.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>Decoupled weight decay: each step multiplies parameters by (1 - lr * wd).</summary>
    public float WeightDecay { get; init; } = 1e-5f;

    /// <summary>Throws when a value is outside its valid range.</summary>
    public void Validate()
    {
        Check(LearningRate >= 0 && float.IsFinite(LearningRate), nameof(LearningRate), LearningRate, ">= 0");
        Check(Beta1 >= 0 && Beta1 < 1, nameof(Beta1), Beta1, "in [0, 1)");
        Check(Beta2 >= 0 && Beta2 < 1, nameof(Beta2), Beta2, "in [0, 1)");
        Check(Epsilon > 0 && float.IsFinite(Epsilon), nameof(Epsilon), Epsilon, "> 0");
        Check(WeightDecay >= 0 && float.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, ">= 0");
    }

    private static void Check(bool ok, string field, float value, string expected)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(field, value, $"AdamW option {field} must be {expected}, got {value}.");
        }
    }
}
