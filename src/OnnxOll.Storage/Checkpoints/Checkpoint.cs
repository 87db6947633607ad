using System.Text.Json.Nodes;

namespace OnnxOll.Storage.Checkpoints;

/// <summary>Everything needed to resume a run: PET tensors, optimizer state, counters, RNG states, stream cursor and metrics so far.</summary>
/// <param name="Step">The learner's step counter; names the checkpoint files.</param>
/// <param name="ModelHash">The base model's <see cref="ModelHash"/>; a checkpoint only resumes on the same model.</param>
/// <param name="PetSpec">The PET spec string (e.g. LoRA rank and targets); must match on resume.</param>
/// <param name="LearnerConfig">The learner settings as a JSON object.</param>
/// <param name="Counters">Named step counters (samples seen, batches, task index, ...).</param>
/// <param name="RngStates">Named RNG states as JSON integers or strings.</param>
/// <param name="StreamCursor">Position in the stream of the next sample to train on.</param>
/// <param name="Metrics">Metrics so far as JSON (e.g. the evaluation records), or null.</param>
/// <param name="Tensors">The trainable PET tensors.</param>
/// <param name="Optimizer">The AdamW state, or null when not saved.</param>
/// <param name="State">Learner state beside the PET tensors (e.g. prototype sums), restored bit for bit; not trained, so no moments.</param>
/// <param name="Plugins">Learner plugins' JSON state by plugin name, or null.</param>
public sealed record Checkpoint(
    long Step,
    string ModelHash,
    string PetSpec,
    JsonObject LearnerConfig,
    IReadOnlyDictionary<string, long> Counters,
    JsonObject RngStates,
    long StreamCursor,
    JsonNode? Metrics,
    IReadOnlyList<NamedTensor> Tensors,
    AdamWState? Optimizer,
    IReadOnlyList<NamedTensor>? State = null,
    JsonObject? Plugins = null);
