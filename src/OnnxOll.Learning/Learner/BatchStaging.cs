using OnnxOll.Inference;
using OnnxOll.Streams.Data;
using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Learning.Learner;

/// <summary>Plans a stream batch with the plugins (<see cref="LearnerPlugin.PlanBatch"/>) and stages the planned samples' pixels and
/// vocabulary labels in buffers reused from batch to batch.</summary>
internal sealed class BatchStaging
{
    private readonly int batchSize, sampleLength;
    private readonly float[] pixels;
    private readonly int[] labels, streamLabels;

    public BatchStaging(ClipModelRuntime model, int batchSize)
    {
        this.batchSize = batchSize;
        Plan = new BatchPlan(2 * batchSize);
        var vision = model.Config.Vision;
        sampleLength = vision.NumChannels * vision.ImageSize * vision.ImageSize;
        pixels = new float[Plan.Capacity * sampleLength];
        (labels, streamLabels) = (new int[Plan.Capacity], new int[Plan.Capacity]);
    }

    public BatchPlan Plan { get; }

    /// <summary>The staged pixels [Count, C, H, W] (the buffer may be longer).</summary>
    public float[] Pixels => pixels;

    /// <summary>Number of samples staged.</summary>
    public int Count { get; private set; }

    /// <summary>Vocabulary indices of the staged samples.</summary>
    public ReadOnlySpan<int> Labels => labels.AsSpan(0, Count);

    /// <summary>Vocabulary indices of the stream's own samples, -1 for samples a plugin added (they count in no running mean).</summary>
    public ReadOnlySpan<int> StreamLabels => streamLabels.AsSpan(0, Count);

    /// <summary>Plans <paramref name="batch"/>, lets the plugins change the plan, then stages it; new labels join the vocabulary.</summary>
    public void Stage(SampleBatch<float[]> batch, string streamName, LearnerContext context, LearnerHooks hooks)
    {
        if (batch.Samples.Count > batchSize)
        {
            throw new InvalidOperationException($"Stream '{streamName}' delivered a batch of {batch.Samples.Count} samples; the learner's batch size is {batchSize}.");
        }

        Plan.Reset();
        foreach (var sample in batch.Samples)
        {
            Plan.Add(new PlannedSample(sample.Label, sample.Item, FromStream: true));
        }

        context.Plan = Plan;
        hooks.Fire(static (p, c) => p.PlanBatch(c, c.Plan!));
        Count = Plan.Samples.Count;
        for (int i = 0; i < Count; i++)
        {
            var sample = Plan.Samples[i];
            labels[i] = context.State.Vocabulary.GetOrAdd(sample.Label);
            streamLabels[i] = sample.FromStream ? labels[i] : -1;
            sample.Pixels.AsSpan(0, sampleLength).CopyTo(pixels.AsSpan(i * sampleLength));
        }

        context.Pixels = pixels.AsMemory(0, Count * sampleLength);
        context.BatchLabels = labels.AsMemory(0, Count);
    }
}
