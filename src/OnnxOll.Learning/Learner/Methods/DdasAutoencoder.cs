using System.Globalization;
using System.Text.Json.Nodes;
using OnnxOll.Inference;
using OnnxOll.Learning.Optim;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Learner.Methods;

/// <summary>One DDAS autoencoder, for one learned distribution: its weights and Adam state, a reservoir of its training features that
/// sets its threshold, and the reconstruction error the router compares with that threshold.</summary>
/// <remarks>The weights start as PyTorch's <c>nn.Linear</c> does (uniform in ±1/√fan_in). Its <see cref="Forward"/> (the router's view of
/// the same weights) computes the loss graph's per-sample error (<see cref="AutoencoderLossGraph"/>) on the CPU, one image at a time.</remarks>
public sealed class DdasAutoencoder
{
    private readonly int dimension;
    private readonly int hidden;
    private readonly float[][] values;
    private readonly float[][] gradients;
    private readonly AdamW optimizer;
    private float[]? reservoir;
    private int kept;
    private long offered;
    private SplitMix64 random;

    /// <summary>A fresh autoencoder for features of width <paramref name="dimension"/>, its weights drawn from <paramref name="seed"/>.</summary>
    public DdasAutoencoder(int dimension, DdasOptions options, ulong seed)
    {
        this.dimension = dimension;
        hidden = options.HiddenDims;
        random = new SplitMix64(seed);
        values = [new float[dimension * hidden], new float[hidden], new float[hidden * dimension], new float[dimension]];
        gradients = values.Select(v => new float[v.Length]).ToArray();
        int[] fanIn = [dimension, dimension, hidden, hidden];
        for (int i = 0; i < values.Length; i++)
        {
            float bound = 1f / MathF.Sqrt(fanIn[i]);
            for (int j = 0; j < values[i].Length; j++)
            {
                values[i][j] = random.Symmetric(bound);
            }
        }

        var parameters = AutoencoderLossGraph.Parameters.Select((name, i) => new NamedParameter(name, values[i], gradients[i]) { Decay = i % 2 == 0 }).ToArray();
        optimizer = new AdamW(parameters, new AdamWOptions { LearningRate = options.LearningRate, WeightDecay = options.WeightDecay });
        Forward = new RoutingAutoencoder(values[0], values[1], values[2], values[3]);
        reservoir = new float[options.ThresholdSamples * dimension];
    }

    /// <summary>The router's view of this autoencoder: its weights (shared, not copied), its error and its threshold.</summary>
    public RoutingAutoencoder Forward { get; }

    /// <summary>The error above which an input is not this autoencoder's (+∞ until set).</summary>
    public float Threshold
    {
        get => Forward.Threshold;
        private set => Forward.Threshold = value;
    }

    /// <summary>Whether it still learns (its task has not ended): it keeps its reservoir of training features.</summary>
    public bool Open => reservoir is not null;

    /// <summary>The parameters' values, in <see cref="AutoencoderLossGraph.Parameters"/> order.</summary>
    public IReadOnlyList<float[]> Values => values;

    /// <summary>Training features kept for the threshold.</summary>
    public int Kept => kept;

    /// <summary><paramref name="steps"/> Adam steps on the reconstruction loss of <paramref name="count"/> features; returns the last loss.</summary>
    public float Train(AutoencoderLossGraph graph, float[] features, int count, int steps)
    {
        var errors = new float[count];
        float loss = float.NaN;
        for (int s = 0; s < steps; s++)
        {
            loss = graph.Run(features, count, values, gradients, errors);
            optimizer.Step();
        }

        return loss;
    }

    /// <summary>Offers <paramref name="count"/> training features to the reservoir (reservoir sampling: each has equal odds of being kept).</summary>
    public void Remember(ReadOnlySpan<float> features, int count)
    {
        var buffer = reservoir ?? throw new InvalidOperationException("A closed DDAS autoencoder keeps no training features.");
        int capacity = buffer.Length / dimension;
        for (int i = 0; i < count; i++)
        {
            long slot = ++offered <= capacity ? kept++ : random.Below(offered);
            if (slot < capacity)
            {
                features.Slice(i * dimension, dimension).CopyTo(buffer.AsSpan((int)slot * dimension, dimension));
            }
        }
    }

    /// <summary>Sets the threshold to the <paramref name="quantile"/> of the errors of the kept training features, with the current weights.</summary>
    public void UpdateThreshold(double quantile)
    {
        if (reservoir is null || kept == 0)
        {
            return;
        }

        var errors = new float[kept];
        for (int i = 0; i < kept; i++)
        {
            errors[i] = Error(reservoir.AsSpan(i * dimension, dimension));
        }

        Array.Sort(errors);
        Threshold = errors[Math.Clamp((int)Math.Ceiling(quantile * kept) - 1, 0, kept - 1)];
    }

    /// <summary>Fixes the threshold and drops the reservoir: its task ended.</summary>
    public void Close(double quantile)
    {
        UpdateThreshold(quantile);
        reservoir = null;
    }

    /// <summary>The reconstruction error of one feature <paramref name="x"/> (see <see cref="RoutingAutoencoder.Error"/>).</summary>
    public float Error(ReadOnlySpan<float> x) => Forward.Error(x);

    /// <summary>Its state as checkpoint JSON and tensors named under <paramref name="prefix"/> (checkpoints hold finite values: an unset
    /// threshold is left out).</summary>
    public (JsonObject Json, IEnumerable<NamedTensor> Tensors) Save(string prefix)
    {
        var adam = optimizer.ExportState();
        var names = AutoencoderLossGraph.Parameters;
        var tensors = names.Select((n, i) => new NamedTensor($"{prefix}/{n}", (float[])values[i].Clone(), values[i].Length))
            .Concat(names.Select(n => new NamedTensor($"{prefix}/m/{n}", adam.FirstMoments[n], adam.FirstMoments[n].Length)))
            .Concat(names.Select(n => new NamedTensor($"{prefix}/v/{n}", adam.SecondMoments[n], adam.SecondMoments[n].Length)))
            .ToList();
        if (float.IsFinite(Threshold))
        {
            tensors.Add(new NamedTensor($"{prefix}/threshold", [Threshold], 1));
        }

        if (reservoir is not null && kept > 0)
        {
            tensors.Add(new NamedTensor($"{prefix}/kept", reservoir.AsSpan(0, kept * dimension).ToArray(), kept, dimension));
        }

        var json = new JsonObject
        {
            ["open"] = Open,
            ["adam_steps"] = adam.Step,
            ["offered"] = offered,
            ["random"] = random.State.ToString(CultureInfo.InvariantCulture),
        };
        return (json, tensors);
    }

    /// <summary>Restores what <see cref="Save"/> wrote under <paramref name="prefix"/>.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or has the wrong size.</exception>
    public void Restore(string prefix, JsonObject json, IReadOnlyDictionary<string, NamedTensor> tensors)
    {
        var names = AutoencoderLossGraph.Parameters;
        var first = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var second = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            Tensor(tensors, $"{prefix}/{names[i]}", values[i].Length).CopyTo(values[i], 0);
            first[names[i]] = Tensor(tensors, $"{prefix}/m/{names[i]}", values[i].Length);
            second[names[i]] = Tensor(tensors, $"{prefix}/v/{names[i]}", values[i].Length);
        }

        optimizer.ImportState(new AdamWState(json["adam_steps"]!.GetValue<long>(), first, second));
        Threshold = tensors.ContainsKey($"{prefix}/threshold") ? Tensor(tensors, $"{prefix}/threshold", 1)[0] : float.PositiveInfinity;
        offered = json["offered"]!.GetValue<long>();
        random = new SplitMix64(ulong.Parse(json["random"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        kept = 0;
        if (!json["open"]!.GetValue<bool>())
        {
            reservoir = null;
        }
        else if (tensors.TryGetValue($"{prefix}/kept", out var samples))
        {
            kept = (int)samples.Shape[0];
            if (samples.Data.Length > reservoir!.Length || samples.Shape[1] != dimension)
            {
                throw new InvalidDataException($"DDAS state '{prefix}/kept' holds [{string.Join(", ", samples.Shape)}], more than the reservoir of {reservoir.Length / dimension} features of width {dimension}.");
            }

            samples.Data.CopyTo(reservoir, 0);
        }
    }

    private static float[] Tensor(IReadOnlyDictionary<string, NamedTensor> tensors, string name, int length) =>
        !tensors.TryGetValue(name, out var tensor) ? throw new InvalidDataException($"DDAS state: tensor '{name}' is missing.")
        : tensor.Data.Length != length ? throw new InvalidDataException($"DDAS state: tensor '{name}' has {tensor.Data.Length} values, expected {length}.")
        : tensor.Data;
}
