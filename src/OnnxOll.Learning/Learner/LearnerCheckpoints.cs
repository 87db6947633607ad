using System.Text.Json.Nodes;
using OnnxOll.Inference;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Learning.Learner.Plugins;
using OnnxOll.Learning.Metrics;
using OnnxOll.Streams;
using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Learning.Learner;

/// <summary>Assembles the learner's checkpoints (PET tensors, optimizer, counters, prototypes, offsets and every plugin's state) and
/// restores them on resume; plugin state waits until the plugins of the run are known.</summary>
internal sealed class LearnerCheckpoints(string runDirectory, ClipModelRuntime model, LearnerOptions options, ScenarioSpec scenario, BatchTrainer trainer)
{
    private const string BoundaryPendingCounter = "boundary_pending";
    private readonly CheckpointStore store = new(runDirectory, Math.Max(1, options.KeepCheckpoints));
    private readonly Dictionary<string, PluginState> restored = new(StringComparer.Ordinal);

    /// <summary>Loads the latest good checkpoint into <paramref name="context"/>'s state; returns its note (see <see cref="OnlineLearner.Resume"/>)
    /// and whether a checkpoint was loaded.</summary>
    public (string Note, bool Resumed) Resume(LearnerContext context, Action<string>? warning)
    {
        if (CheckpointFallback.Resume(store, model.ModelHash, model.Layout.Spec.ToString(), ResumeChecks.For(options, scenario, model.Layout), warning)
            is not (var checkpoint, var where))
        {
            return ("no checkpoint found; starting from scratch", false);
        }

        foreach (var tensor in checkpoint.Tensors)
        {
            tensor.Data.AsSpan().CopyTo(trainer.Pet[tensor.Name]);
        }

        if (checkpoint.Optimizer is { } optimizerState)
        {
            trainer.Optimizer.ImportState(optimizerState);
        }

        if (trainer.Embedder is not null)
        {
            trainer.Prototypes.Restore(checkpoint.State, where);
        }

        trainer.Offsets?.Restore(checkpoint.State, where);
        context.State.Restore(checkpoint.Counters, checkpoint.Metrics, where);
        context.BoundaryPending = checkpoint.Counters.TryGetValue(BoundaryPendingCounter, out long pending) && pending != 0;
        context.Cursor = checkpoint.StreamCursor;
        context.LastCheckpoint = where;
        KeepPluginStates(checkpoint);
        return ($"resumed from {Path.GetFileName(where)} (step {checkpoint.Step}) at sample {checkpoint.StreamCursor}", true);
    }

    /// <summary>Hands each plugin the state the resumed checkpoint holds for it (once).</summary>
    public void RestorePlugins(IEnumerable<LearnerPlugin> plugins, LearnerContext context)
    {
        foreach (var plugin in plugins)
        {
            if (restored.Remove(plugin.Name, out var state))
            {
                plugin.RestoreState(context, state);
            }
        }
    }

    /// <summary>Checkpoints after every <see cref="LearnerOptions.CheckpointEvery"/>-th batch, and at the end (<paramref name="final"/>) when
    /// checkpoints are on: the plugins' checkpoint hooks around the save, the metrics log synced first and the stream committed after.</summary>
    public void SaveIfDue(ILearnerStream stream, LearnerContext context, LearnerHooks hooks, MetricsLog log, bool final)
    {
        if (options.CheckpointEvery <= 0 || (!final && context.State.Batches % options.CheckpointEvery != 0))
        {
            return;
        }

        hooks.Fire(static (p, c) => p.BeforeCheckpoint(c));
        log.Sync();
        context.LastCheckpoint = Save(context, hooks.Plugins);
        stream.Commit(context.Cursor);
        hooks.Fire(static (p, c) => p.AfterCheckpoint(c));
    }

    /// <summary>Writes a checkpoint of everything a resumed run needs; returns the manifest path.</summary>
    public string Save(LearnerContext context, IReadOnlyList<LearnerPlugin> plugins)
    {
        var state = context.State;
        var counters = new Dictionary<string, long>(state.Counters()) { [BoundaryPendingCounter] = context.BoundaryPending ? 1 : 0 };
        var (pluginJson, pluginTensors) = PluginStates(plugins, context);
        var learnerState = new List<NamedTensor>();
        learnerState.AddRange(trainer.Embedder is null ? [] : trainer.Prototypes.ToTensors());
        learnerState.AddRange(trainer.Offsets?.ToTensors() ?? []);
        learnerState.AddRange(pluginTensors);
        return store.Save(new Checkpoint(
            state.Batches,
            model.ModelHash,
            model.Layout.Spec.ToString(),
            options.ToJson(),
            counters,
            new JsonObject { ["pet_seed"] = options.Seed, ["scenario"] = scenario.ToString() },
            context.Cursor,
            state.MetricsJson(),
            model.Layout.Tensors.Select(t => new NamedTensor(t.Name, trainer.Pet[t.Name], t.Shape)).ToArray(),
            trainer.Optimizer.ExportState(),
            learnerState.Count == 0 ? null : learnerState,
            pluginJson.Count == 0 ? null : pluginJson));
    }

    private static (JsonObject Json, List<NamedTensor> Tensors) PluginStates(IReadOnlyList<LearnerPlugin> plugins, LearnerContext context)
    {
        var json = new JsonObject();
        var tensors = new List<NamedTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plugin in plugins)
        {
            if (plugin.SaveState(context) is not { } state)
            {
                continue;
            }

            if (!names.Add(plugin.Name))
            {
                throw new InvalidOperationException($"Two learner plugins keep state under the name '{plugin.Name}'; give one another Name.");
            }

            json[plugin.Name] = new JsonObject { ["json"] = state.Json?.DeepClone(), ["tensors"] = new JsonArray(state.Tensors.Select(t => (JsonNode?)t.Name).ToArray()) };
            tensors.AddRange(state.Tensors.Select(t => new NamedTensor($"{PluginState.TensorPrefix}{plugin.Name}/{t.Name}", t.Data, t.Shape)));
        }

        return (json, tensors);
    }

    private void KeepPluginStates(Checkpoint checkpoint)
    {
        restored.Clear();
        foreach (var (name, _) in checkpoint.Plugins ?? [])
        {
            restored[name] = PluginState.Of(checkpoint, name)!;
        }
    }
}
