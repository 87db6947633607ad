using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using OnnxOll.Storage.Checkpoints;

namespace OnnxOll.Learning.Optim;

/// <summary>AdamW (PyTorch formula, decoupled weight decay, bias correction) over caller-owned float buffers, in place.</summary>
/// <remarks>Moment buffers are allocated once in the constructor, so <see cref="Step"/> allocates nothing.</remarks>
public sealed class AdamW
{
    private readonly NamedParameter[] parameters;
    private readonly float[][] firstMoments;
    private readonly float[][] secondMoments;
    private readonly bool[] frozen;
    private AdamWOptions options;

    /// <summary>Creates the optimizer; parameter names must be distinct.</summary>
    public AdamW(IReadOnlyList<NamedParameter> parameters, AdamWOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        this.options = options ?? new AdamWOptions();
        this.options.Validate();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            if (!names.Add(p.Name))
            {
                throw new ArgumentException($"Duplicate parameter name '{p.Name}'.", nameof(parameters));
            }
        }

        this.parameters = [.. parameters];
        firstMoments = this.parameters.Select(p => new float[p.Value.Length]).ToArray();
        secondMoments = this.parameters.Select(p => new float[p.Value.Length]).ToArray();
        frozen = new bool[this.parameters.Length];
    }

    /// <summary>The parameters in the order given to the constructor.</summary>
    public IReadOnlyList<NamedParameter> Parameters => parameters;

    /// <summary>Current hyper-parameters; may be replaced between steps (e.g. a learning-rate schedule).</summary>
    public AdamWOptions Options
    {
        get => options;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            options = value;
        }
    }

    /// <summary>Number of steps taken since construction or the last <see cref="Reset"/>.</summary>
    public long StepCount { get; private set; }

    /// <summary>Applies one AdamW update to every parameter from its current gradient.</summary>
    /// <remarks>One fused, vectorised pass per parameter: each element of p, m, v and g is read and written once.</remarks>
    public void Step()
    {
        StepCount++;
        var o = options;
        float bias1 = 1f - (float)Math.Pow(o.Beta1, StepCount);
        float bias2 = 1f - (float)Math.Pow(o.Beta2, StepCount);
        var k = new UpdateConstants(
            Decay: 1f - (o.LearningRate * o.WeightDecay),
            Beta1: o.Beta1,
            OneMinusBeta1: 1f - o.Beta1,
            Beta2: o.Beta2,
            OneMinusBeta2: 1f - o.Beta2,
            InvSqrtBias2: 1f / MathF.Sqrt(bias2),
            Epsilon: o.Epsilon,
            StepSize: o.LearningRate / bias1);
        var noDecay = k with { Decay = 1f };
        for (int i = 0; i < parameters.Length; i++)
        {
            if (frozen[i])
            {
                continue;
            }

            Update(parameters[i].Value.Span, parameters[i].Gradient.Span, firstMoments[i], secondMoments[i], parameters[i].Decay ? k : noDecay);
        }
    }

    /// <summary>Freezes parameter <paramref name="name"/> (<see cref="Step"/> leaves it and its moments as they are) or thaws it.</summary>
    /// <exception cref="ArgumentException">No parameter has that name.</exception>
    public void Freeze(string name, bool frozen = true) => this.frozen[IndexOf(name)] = frozen;

    /// <summary>Whether parameter <paramref name="name"/> is frozen.</summary>
    public bool IsFrozen(string name) => frozen[IndexOf(name)];

    /// <summary>Zeroes the gradients of the frozen parameters (so norms, clipping and finiteness checks ignore them).</summary>
    public void ClearFrozenGradients()
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            if (frozen[i])
            {
                parameters[i].Gradient.Span.Clear();
            }
        }
    }

    /// <summary>Zeroes both moments and the step counter (the SIT protocol does this at every task boundary).</summary>
    public void Reset()
    {
        StepCount = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            Array.Clear(firstMoments[i]);
            Array.Clear(secondMoments[i]);
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

        float norm = GradientNorm();
        float coefficient = maxNorm / (norm + 1e-6f);
        if (coefficient < 1f)
        {
            foreach (var p in parameters)
            {
                TensorPrimitives.Multiply(p.Gradient.Span, coefficient, p.Gradient.Span);
            }
        }

        return norm;
    }

    /// <summary>The global L2 norm of all gradients (per-tensor sums of squares added in double).</summary>
    public float GradientNorm()
    {
        double sumSquares = 0;
        foreach (var p in parameters)
        {
            sumSquares += TensorPrimitives.SumOfSquares((ReadOnlySpan<float>)p.Gradient.Span);
        }

        return (float)Math.Sqrt(sumSquares);
    }

    /// <summary>True when no gradient element is NaN or infinite.</summary>
    public bool GradientsAreFinite()
    {
        foreach (var p in parameters)
        {
            if (!TensorPrimitives.IsFiniteAll((ReadOnlySpan<float>)p.Gradient.Span))
            {
                return false;
            }
        }

        return true;
    }

    private int IndexOf(string name)
    {
        int index = Array.FindIndex(parameters, p => p.Name == name);
        return index >= 0 ? index : throw new ArgumentException($"AdamW has no parameter '{name}'.", nameof(name));
    }

    /// <summary>Copies the step counter and moments out (for checkpoints).</summary>
    public AdamWState ExportState()
    {
        var m = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var v = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int i = 0; i < parameters.Length; i++)
        {
            m[parameters[i].Name] = (float[])firstMoments[i].Clone();
            v[parameters[i].Name] = (float[])secondMoments[i].Clone();
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

        var first = new float[parameters.Length][];
        var second = new float[parameters.Length][];
        for (int i = 0; i < parameters.Length; i++)
        {
            first[i] = CheckedMoment(state.FirstMoments, "first moment", i);
            second[i] = CheckedMoment(state.SecondMoments, "second moment", i);
        }

        for (int i = 0; i < parameters.Length; i++)
        {
            first[i].CopyTo(firstMoments[i], 0);
            second[i].CopyTo(secondMoments[i], 0);
        }

        StepCount = state.Step;
    }

    /// <summary>p ← p(1 − lr·wd); m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).</summary>
    private static void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, in UpdateConstants k)
    {
        int n = p.Length, i = 0;
        if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
        {
            var decay = new Vector<float>(k.Decay);
            var beta1 = new Vector<float>(k.Beta1);
            var oneMinusBeta1 = new Vector<float>(k.OneMinusBeta1);
            var beta2 = new Vector<float>(k.Beta2);
            var oneMinusBeta2 = new Vector<float>(k.OneMinusBeta2);
            var invSqrtBias2 = new Vector<float>(k.InvSqrtBias2);
            var epsilon = new Vector<float>(k.Epsilon);
            var stepSize = new Vector<float>(k.StepSize);
            var pv = MemoryMarshal.Cast<float, Vector<float>>(p);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            var mv = MemoryMarshal.Cast<float, Vector<float>>(m);
            var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            for (int j = 0; j < pv.Length; j++)
            {
                var gj = gv[j];
                var mj = (beta1 * mv[j]) + (oneMinusBeta1 * gj);
                var vj = (beta2 * vv[j]) + (oneMinusBeta2 * (gj * gj));
                mv[j] = mj;
                vv[j] = vj;
                pv[j] = (pv[j] * decay) - (stepSize * (mj / ((Vector.SquareRoot(vj) * invSqrtBias2) + epsilon)));
            }

            i = pv.Length * Vector<float>.Count;
        }

        for (; i < n; i++)
        {
            float gi = g[i];
            float mi = (k.Beta1 * m[i]) + (k.OneMinusBeta1 * gi);
            float vi = (k.Beta2 * v[i]) + (k.OneMinusBeta2 * (gi * gi));
            m[i] = mi;
            v[i] = vi;
            p[i] = (p[i] * k.Decay) - (k.StepSize * (mi / ((MathF.Sqrt(vi) * k.InvSqrtBias2) + k.Epsilon)));
        }
    }

    private float[] CheckedMoment(IReadOnlyDictionary<string, float[]> source, string what, int index)
    {
        float[] target = firstMoments[index];
        string name = parameters[index].Name;
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

    private readonly record struct UpdateConstants(
        float Decay, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float InvSqrtBias2, float Epsilon, float StepSize);
}
