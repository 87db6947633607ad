using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Learning.Tests.Learner;

/// <summary>For every batch: how many distinct labels it holds and each loss AfterStep showed.</summary>
internal sealed class StepLossPlugin : LearnerPlugin
{
    public List<(int DistinctLabels, List<float> Losses)> Batches { get; } = [];

    public override void BeforeBatch(LearnerContext context) => Batches.Add((context.BatchLabels.ToArray().Distinct().Count(), []));

    public override void AfterStep(LearnerContext context) => Batches[^1].Losses.Add(context.Loss);
}
