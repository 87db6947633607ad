using System.Numerics.Tensors;

namespace OnnxOll.Learning.Optim;

/// <summary>AdamW (PyTorch formula, decoupled weight decay, bias correction) over caller-owned float buffers, in place.</summary>
/// <remarks>Moment and scratch buffers are allocated once in the constructor, so <see cref="Step"/> allocates nothing.</remarks>
public sealed class AdamW
{
    private readonly NamedParameter[] _parameters;
    private readonly float[][] _m;
    private readonly float[][] _v;
    private readonly float[] _scratch;
    private AdamWOptions _options;

    /// <summary>Creates the optimizer; parameter names must be distinct.</summary>
    public AdamW(IReadOnlyList<NamedParameter> parameters, AdamWOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _options = options ?? new AdamWOptions();
        _options.Validate();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            if (!names.Add(p.Name))
            {
                throw new ArgumentException($"Duplicate parameter name '{p.Name}'.", nameof(parameters));
            }
        }

        _parameters = [.. parameters];
        _m = _parameters.Select(p => new float[p.Value.Length]).ToArray();
        _v = _parameters.Select(p => new float[p.Value.Length]).ToArray();
        _scratch = new float[_parameters.Length == 0 ? 0 : _parameters.Max(p => p.Value.Length)];
    }

    /// <summary>The parameters in the order given to the constructor.</summary>
    public IReadOnlyList<NamedParameter> Parameters => _parameters;

    /// <summary>Current hyper-parameters; may be replaced between steps (e.g. a learning-rate schedule).</summary>
    public AdamWOptions Options
    {
        get => _options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _options = value;
        }
    }

    /// <summary>Number of steps taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount { get; private set; }

    /// <summary>Applies one AdamW update to every parameter from its current gradient.</summary>
    public void Step()
    {
        StepCount++;
        var o = _options;
        float bias1 = 1f - (float)Math.Pow(o.Beta1, StepCount);
        float bias2 = 1f - (float)Math.Pow(o.Beta2, StepCount);
        float stepSize = o.LearningRate / bias1;
        float invSqrtBias2 = 1f / MathF.Sqrt(bias2);
        float decay = 1f - (o.LearningRate * o.WeightDecay);
        for (int i = 0; i < _parameters.Length; i++)
        {
            Span<float> p = _parameters[i].Value.Span;
            ReadOnlySpan<float> g = _parameters[i].Gradient.Span;
            Span<float> m = _m[i];
            Span<float> v = _v[i];
            Span<float> s = _scratch.AsSpan(0, p.Length);

            // p <- p (1 - lr wd)
            TensorPrimitives.Multiply(p, decay, p);
            // m <- b1 m + (1 - b1) g
            TensorPrimitives.Multiply(m, o.Beta1, m);
            TensorPrimitives.MultiplyAdd(g, 1f - o.Beta1, m, m);
            // v <- b2 v + (1 - b2) g²
            TensorPrimitives.Multiply(v, o.Beta2, v);
            TensorPrimitives.Multiply(g, g, s);
            TensorPrimitives.MultiplyAdd(s, 1f - o.Beta2, v, v);
            // p <- p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
            TensorPrimitives.Sqrt(v, s);
            TensorPrimitives.Multiply(s, invSqrtBias2, s);
            TensorPrimitives.Add(s, o.Epsilon, s);
            TensorPrimitives.Divide(m, s, s);
            TensorPrimitives.MultiplyAdd(s, -stepSize, p, p);
        }
    }

    /// <summary>Zeroes both moments and the step counter (the SIT protocol does this at every task boundary).</summary>
    public void Reset()
    {
        StepCount = 0;
        for (int i = 0; i < _parameters.Length; i++)
        {
            Array.Clear(_m[i]);
            Array.Clear(_v[i]);
        }
    }

    /// <summary>Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before clipping.</summary>
    /// <remarks>Same rule as torch.nn.utils.clip_grad_norm_: coefficient maxNorm / (norm + 1e-6), applied only when below 1.</remarks>
    public float ClipGradNorm(float maxNorm)
    {
        if (!(maxNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be > 0.");
        }

        double sumSquares = 0;
        foreach (var p in _parameters)
        {
            sumSquares += TensorPrimitives.SumOfSquares((ReadOnlySpan<float>)p.Gradient.Span);
        }

        float norm = (float)Math.Sqrt(sumSquares);
        float coefficient = maxNorm / (norm + 1e-6f);
        if (coefficient < 1f)
        {
            foreach (var p in _parameters)
            {
                TensorPrimitives.Multiply(p.Gradient.Span, coefficient, p.Gradient.Span);
            }
        }

        return norm;
    }

    /// <summary>True when no gradient element is NaN or infinite.</summary>
    public bool GradientsAreFinite()
    {
        foreach (var p in _parameters)
        {
            if (!TensorPrimitives.IsFiniteAll((ReadOnlySpan<float>)p.Gradient.Span))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Copies the step counter and moments out (for checkpoints).</summary>
    public AdamWState ExportState()
    {
        var m = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var v = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < _parameters.Length; i++)
        {
            m[_parameters[i].Name] = (float[])_m[i].Clone();
            v[_parameters[i].Name] = (float[])_v[i].Clone();
        }

        return new AdamWState(StepCount, m, v);
    }

    /// <summary>Restores a state exported by <see cref="ExportState"/>; every parameter must be present with its exact length.</summary>
    public void ImportState(AdamWState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Step < 0)
        {
            throw new ArgumentException($"AdamW state: step must be >= 0, got {state.Step}.", nameof(state));
        }

        var first = new float[_parameters.Length][];
        var second = new float[_parameters.Length][];
        for (int i = 0; i < _parameters.Length; i++)
        {
            first[i] = CheckedMoment(state.FirstMoments, "first moment", i);
            second[i] = CheckedMoment(state.SecondMoments, "second moment", i);
        }

        for (int i = 0; i < _parameters.Length; i++)
        {
            first[i].CopyTo(_m[i], 0);
            second[i].CopyTo(_v[i], 0);
        }

        StepCount = state.Step;
    }

    private float[] CheckedMoment(IReadOnlyDictionary<string, float[]> source, string what, int index)
    {
        float[] target = _m[index];
        string name = _parameters[index].Name;
        if (!source.TryGetValue(name, out var data))
        {
            throw new ArgumentException($"AdamW state: {what} of parameter '{name}' is missing.");
        }

        if (data.Length != target.Length)
        {
            throw new ArgumentException(
                $"AdamW state: {what} of parameter '{name}' has {data.Length} elements, expected {target.Length}.");
        }

        return data;
    }
}
