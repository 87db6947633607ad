using OnnxOll.Learning.Learner.Plugins;

namespace OnnxOll.Learning.Learner.Standard;

/// <summary>Zeroes the optimizer's moments when a task begins after another (as the SIT paper does at every boundary, drawn by the
/// scenario or announced by a plugin).</summary>
internal sealed class OptimizerReset : LearnerPlugin
{
    public override void BeforeTask(LearnerContext context)
    {
        if (context.Boundary is { EndedTask: >= 0 })
        {
            context.ResetOptimizer();
        }
    }
}
