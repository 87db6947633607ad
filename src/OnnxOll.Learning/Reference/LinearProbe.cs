using System.Numerics.Tensors;

namespace OnnxOll.Learning.Reference;

/// <summary>A bias-free multinomial logistic regression on fixed features (the linear-probe ceiling of frozen image features),
/// fitted by minibatch Adam on mean cross-entropy plus an L2 penalty; deterministic by seed.</summary>
public sealed class LinearProbe
{
    private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;

    /// <summary>Passes over the training features.</summary>
    public int Epochs { get; init; } = 40;

    /// <summary>Features per minibatch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam learning rate.</summary>
    public float LearningRate { get; init; } = 1e-2f;

    /// <summary>Weight of the L2 penalty ½·λ·|W|² added to the mean cross-entropy.</summary>
    public float L2 { get; init; } = 1e-4f;

    /// <summary>Fits weights [classes, dim] to <paramref name="features"/> [n, dim] and their <paramref name="labels"/> (0..classes-1).</summary>
    public float[] Fit(float[] features, int[] labels, int classes, int seed)
    {
        int n = labels.Length, dim = features.Length / Math.Max(1, n);
        if (n == 0 || features.Length != n * dim || labels.Any(l => l < 0 || l >= classes))
        {
            throw new ArgumentException($"Linear probe: {features.Length} feature values for {n} labels in [0, {classes}) do not form an [n, dim] matrix.");
        }

        var weights = new float[classes * dim];
        var gradient = new float[weights.Length];
        var m = new float[weights.Length];
        var v = new float[weights.Length];
        var logits = new float[classes];
        var order = Enumerable.Range(0, n).ToArray();
        var random = new Random(seed);
        int t = 0;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            random.Shuffle(order);
            for (int start = 0; start < n; start += BatchSize)
            {
                int b = Math.Min(BatchSize, n - start);
                TensorPrimitives.Multiply(weights, L2, gradient);
                for (int i = start; i < start + b; i++)
                {
                    var x = features.AsSpan(order[i] * dim, dim);
                    for (int c = 0; c < classes; c++)
                    {
                        logits[c] = TensorPrimitives.Dot(weights.AsSpan(c * dim, dim), x);
                    }

                    TensorPrimitives.SoftMax(logits, logits);
                    logits[labels[order[i]]] -= 1;
                    for (int c = 0; c < classes; c++)
                    {
                        var row = gradient.AsSpan(c * dim, dim);
                        TensorPrimitives.MultiplyAdd(x, logits[c] / b, row, row);
                    }
                }

                t++;
                float correction1 = 1 - MathF.Pow(Beta1, t), correction2 = 1 - MathF.Pow(Beta2, t);
                for (int j = 0; j < weights.Length; j++)
                {
                    m[j] = (Beta1 * m[j]) + ((1 - Beta1) * gradient[j]);
                    v[j] = (Beta2 * v[j]) + ((1 - Beta2) * gradient[j] * gradient[j]);
                    weights[j] -= LearningRate * (m[j] / correction1) / (MathF.Sqrt(v[j] / correction2) + Epsilon);
                }
            }
        }

        return weights;
    }
}
