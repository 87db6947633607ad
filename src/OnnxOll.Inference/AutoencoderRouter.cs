using System.Text.Json.Nodes;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Inference;

/// <summary>DDAS routing (MoE-Adapters4CL): an input goes to the frozen model when the autoencoder that reconstructs its frozen embedding
/// best still errs above that autoencoder's threshold, or when there is no autoencoder; otherwise to the learned PET model.</summary>
/// <param name="autoencoders">One per learned distribution; the list may grow while a learner trains.</param>
public sealed class AutoencoderRouter(IReadOnlyList<RoutingAutoencoder> autoencoders) : IInputRouter
{
    /// <summary>The autoencoders, in the order their distributions were learned.</summary>
    public IReadOnlyList<RoutingAutoencoder> Autoencoders => autoencoders;

    /// <summary>Inputs routed so far.</summary>
    public int Calls { get; private set; }

    /// <summary>Inputs sent to the frozen model so far.</summary>
    public int SentToFrozen { get; private set; }

    /// <summary>Name of autoencoder <paramref name="index"/>'s state (its tensors are <c>&lt;name&gt;/&lt;parameter&gt;</c> and <c>&lt;name&gt;/threshold</c>).</summary>
    public static string StateName(int index) => $"ae{index}";

    /// <summary>The router a DDAS learner plugin saved: its JSON (<c>dimension</c>, <c>hidden</c>, <c>autoencoders</c>) and tensors.</summary>
    /// <param name="json">The plugin's checkpoint JSON.</param>
    /// <param name="tensors">The plugin's tensors by their own names (without the checkpoint's plugin prefix).</param>
    /// <param name="where">Names the checkpoint in errors.</param>
    /// <exception cref="InvalidDataException">A field or tensor is missing or of the wrong size.</exception>
    public static AutoencoderRouter FromState(JsonNode? json, IReadOnlyList<NamedTensor> tensors, string where)
    {
        var state = json as JsonObject ?? throw new InvalidDataException($"{where}: the DDAS state has no JSON.");
        int dimension = Field(state, "dimension", where), hidden = Field(state, "hidden", where);
        int count = (state["autoencoders"] as JsonArray ?? throw new InvalidDataException($"{where}: the DDAS state has no 'autoencoders' list.")).Count;
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var list = new List<RoutingAutoencoder>();
        int[] lengths = [dimension * hidden, hidden, hidden * dimension, dimension];
        for (int i = 0; i < count; i++)
        {
            var weights = ParameterNamesOf(i).Select((name, p) => Tensor(byName, name, lengths[p], where)).ToArray();
            list.Add(new RoutingAutoencoder(weights[0], weights[1], weights[2], weights[3])
            {
                Threshold = byName.ContainsKey($"{StateName(i)}/threshold") ? Tensor(byName, $"{StateName(i)}/threshold", 1, where)[0] : float.PositiveInfinity,
            });
        }

        return new AutoencoderRouter(list);
    }

    /// <summary>Tensor names of autoencoder <paramref name="index"/>'s weights, in <see cref="RoutingAutoencoder.ParameterNames"/> order.</summary>
    public static IEnumerable<string> ParameterNamesOf(int index) => RoutingAutoencoder.ParameterNames.Select(n => $"{StateName(index)}/{n}");

    /// <inheritdoc/>
    public bool ToFrozen(ReadOnlySpan<float> frozenEmbedding)
    {
        float best = float.PositiveInfinity, threshold = float.NegativeInfinity;
        foreach (var autoencoder in autoencoders)
        {
            float error = autoencoder.Error(frozenEmbedding);
            if (error < best)
            {
                (best, threshold) = (error, autoencoder.Threshold);
            }
        }

        bool toFrozen = !(best <= threshold);
        Calls++;
        SentToFrozen += toFrozen ? 1 : 0;
        return toFrozen;
    }

    /// <summary>Sets <see cref="Calls"/> and <see cref="SentToFrozen"/> back to zero.</summary>
    public void ResetCounts() => (Calls, SentToFrozen) = (0, 0);

    private static int Field(JsonObject state, string name, string where) =>
        state[name] is JsonValue value && value.TryGetValue(out int n) && n > 0 ? n : throw new InvalidDataException($"{where}: the DDAS state's '{name}' is missing or not a positive whole number.");

    private static float[] Tensor(Dictionary<string, NamedTensor> tensors, string name, int length, string where) =>
        !tensors.TryGetValue(name, out var tensor) ? throw new InvalidDataException($"{where}: DDAS tensor '{name}' is missing.")
        : tensor.Data.Length != length ? throw new InvalidDataException($"{where}: DDAS tensor '{name}' has {tensor.Data.Length} values, expected {length}.")
        : tensor.Data;
}
