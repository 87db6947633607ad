using System.Text.Json.Nodes;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Learner.Plugins;

/// <summary>A plugin's checkpointed state: JSON and float tensors, restored bit for bit on resume.</summary>
/// <param name="Json">Small state (counters, labels), or null.</param>
/// <param name="Tensors">Float state (buffers, importance weights); names are the plugin's own, kept apart from other plugins'.</param>
public sealed record PluginState(JsonNode? Json, IReadOnlyList<NamedTensor> Tensors)
{
    /// <summary>Prefix of a plugin's tensors among a checkpoint's state tensors: <c>plugin:&lt;name&gt;/&lt;tensor&gt;</c>.</summary>
    public const string TensorPrefix = "plugin:";

    /// <summary>The state <paramref name="plugin"/> saved in <paramref name="checkpoint"/>, its tensors under their own names (null: none),
    /// e.g. for a command that serves what a method learned.</summary>
    public static PluginState? Of(Checkpoint checkpoint, string plugin)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Plugins is null || !checkpoint.Plugins.TryGetPropertyValue(plugin, out var node))
        {
            return null;
        }

        string prefix = $"{TensorPrefix}{plugin}/";
        var tensors = (checkpoint.State ?? []).Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(t => new NamedTensor(t.Name[prefix.Length..], t.Data, t.Shape)).ToArray();
        return new PluginState(node?["json"]?.DeepClone(), tensors);
    }
}
