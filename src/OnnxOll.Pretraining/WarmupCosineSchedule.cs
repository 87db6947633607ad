namespace OnnxOll.Pretraining;

/// <summary>Learning rate per step: linear warm-up from 0 to the peak, then cosine decay to 0 at the last step (open_clip's <c>cosine_lr</c>).</summary>
public sealed class WarmupCosineSchedule(float peak, long warmupSteps, long totalSteps)
{
    /// <summary>The rate for 0-based step <paramref name="step"/>.</summary>
    public float At(long step)
    {
        if (step < warmupSteps)
        {
            return peak * (step + 1) / warmupSteps;
        }

        long decaySteps = Math.Max(1, totalSteps - warmupSteps);
        double progress = Math.Min(1.0, (double)(step - warmupSteps) / decaySteps);
        return (float)(0.5 * (1 + Math.Cos(Math.PI * progress)) * peak);
    }
}
