namespace OnnxOll.Learning.Learner.Methods;

/// <summary>Settings of <see cref="DistributionSelector"/> (DDAS of MoE-Adapters4CL): the autoencoders' size, their online
/// training, and the rule that sets each one's threshold from its training errors.</summary>
public sealed record DdasOptions
{
    /// <summary>Width of an autoencoder's code (the official code uses 100 for AlexNet features; 64 here for CLIP embeddings).</summary>
    public int HiddenDims { get; init; } = 64;

    /// <summary>Adam step size (the official code's initial rate is 0.01).</summary>
    public float LearningRate { get; init; } = 1e-2f;

    /// <summary>Weight decay (the official code: 1e-4, coupled; here decoupled, as AdamW applies it).</summary>
    public float WeightDecay { get; init; } = 1e-4f;

    /// <summary>Adam steps on each batch's frozen features.</summary>
    public int StepsPerBatch { get; init; } = 2;

    /// <summary>Quantile of an autoencoder's errors on its training samples that becomes its threshold.</summary>
    public double ThresholdQuantile { get; init; } = 0.95;

    /// <summary>Training samples per autoencoder kept (a reservoir) to set its threshold; dropped once its task ended.</summary>
    public int ThresholdSamples { get; init; } = 512;

    /// <summary>Seed of the autoencoders' initial weights and of the reservoir.</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first field outside its range.</summary>
    public void Validate()
    {
        Check(HiddenDims >= 1, nameof(HiddenDims), HiddenDims, ">= 1");
        Check(LearningRate > 0 && float.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "> 0");
        Check(WeightDecay >= 0 && float.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, ">= 0");
        Check(StepsPerBatch >= 1, nameof(StepsPerBatch), StepsPerBatch, ">= 1");
        Check(ThresholdQuantile is > 0 and <= 1, nameof(ThresholdQuantile), ThresholdQuantile, "in (0, 1]");
        Check(ThresholdSamples >= 1, nameof(ThresholdSamples), ThresholdSamples, ">= 1");
    }

    private static void Check(bool ok, string field, object value, string expected)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(field, value, $"DDAS option {field} must be {expected}, got {value}.");
        }
    }
}
