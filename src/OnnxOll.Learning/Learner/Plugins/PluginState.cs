using System.Text.Json.Nodes;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Learner.Plugins;

/// <summary>A plugin's checkpointed state: JSON and float tensors, restored bit for bit on resume.</summary>
/// <param name="Json">Small state (counters, labels), or null.</param>
/// <param name="Tensors">Float state (buffers, importance weights); names are the plugin's own, kept apart from other plugins'.</param>
public sealed record PluginState(JsonNode? Json, IReadOnlyList<NamedTensor> Tensors);
