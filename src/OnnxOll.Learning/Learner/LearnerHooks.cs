using OnnxOll.Inference;
using OnnxOll.Learning.Learner.Methods;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Learner.Standard;

namespace OnnxOll.Learning.Learner;

/// <summary>The plugins of one run in calling order (the user's, the <c>--method</c> ones, then the standard ones and the methods the
/// options name) and the hook sequences the loop fires; it owns and disposes the method plugins.</summary>
internal sealed class LearnerHooks(LearnerContext context, int capacity, IReadOnlyList<LearnerPlugin> methods) : IDisposable
{
    private readonly ZeroShotDistillation? distillation = context.Options is { DistillWeight: > 0, ZeroShot: false } options
        ? new ZeroShotDistillation(context.Model, options.DistillClassNames, options.Prompts, options.DistillWeight, capacity)
        : null;

    private List<LearnerPlugin> plugins = [];

    /// <summary>The plugins in calling order.</summary>
    public IReadOnlyList<LearnerPlugin> Plugins => plugins;

    /// <summary>Sets the run's plugins: <paramref name="user"/>, the methods, then <paramref name="standard"/>, then the distillation and
    /// the optimizer reset when the options ask.</summary>
    public void Assemble(IEnumerable<LearnerPlugin> user, IEnumerable<LearnerPlugin> standard)
    {
        plugins = [.. user, .. methods, .. standard];
        if (distillation is not null)
        {
            plugins.Add(distillation);
        }

        if (context.Options.ResetOptimizerAtTaskBoundary)
        {
            plugins.Add(new OptimizerReset());
        }
    }

    /// <summary>The first plugin's inference router, or null.</summary>
    public IInputRouter? Router() => plugins.Select(p => p.Router(context)).FirstOrDefault(r => r is not null);

    /// <summary>Every plugin's summary measurements, keyed <c>&lt;plugin name&gt;.&lt;key&gt;</c>, finite values only (null: none).</summary>
    public IReadOnlyDictionary<string, double>? SummaryMetrics()
    {
        var metrics = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var plugin in plugins)
        {
            foreach (var (key, value) in plugin.SummaryMetrics(context) ?? new Dictionary<string, double>())
            {
                if (double.IsFinite(value))
                {
                    metrics[$"{plugin.Name}.{key}"] = value;
                }
            }
        }

        return metrics.Count == 0 ? null : metrics;
    }

    /// <summary>Calls <paramref name="hook"/> with the context on every plugin in order (a static lambda allocates nothing).</summary>
    public void Fire(Action<LearnerPlugin, LearnerContext> hook)
    {
        foreach (var plugin in plugins)
        {
            hook(plugin, context);
        }
    }

    /// <summary>Fires the task hooks when the next batch (of <paramref name="nextTask"/>) starts a task or follows an announced boundary.</summary>
    public void BeforeBatchOf(int nextTask)
    {
        int task = context.State.Task;
        if (nextTask == task && !context.BoundaryPending)
        {
            return;
        }

        context.Boundary = new TaskBoundary(task, nextTask, Announced: nextTask == task);
        context.BoundaryPending = false;
        if (task >= 0)
        {
            Fire(static (p, c) => p.AfterTask(c));
        }

        context.State.Task = nextTask;
        Fire(static (p, c) => p.BeforeTask(c));
    }

    /// <summary>Fires the last task's end and the stream's end.</summary>
    public void EndStream()
    {
        context.Boundary = new TaskBoundary(context.State.Task, -1, Announced: false);
        Fire(static (p, c) => p.AfterTask(c));
        Fire(static (p, c) => p.AfterStream(c));
    }

    public void Dispose()
    {
        distillation?.Dispose();
        foreach (var method in methods.OfType<IDisposable>())
        {
            method.Dispose();
        }
    }
}
