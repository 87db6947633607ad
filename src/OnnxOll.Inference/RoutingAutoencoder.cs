using System.Numerics.Tensors;

namespace OnnxOll.Inference;

/// <summary>One autoencoder of an <see cref="AutoencoderRouter"/> (DDAS): r = ReLU(x·W1 + b1)·W2 + b2 over a frozen image embedding x,
/// its reconstruction error mean_j (r − x)²_j, and the threshold above which an input is not of its distribution.</summary>
/// <remarks>Holds its weight arrays by reference (a learner trains them in place); one instance serves one thread.</remarks>
public sealed class RoutingAutoencoder
{
    /// <summary>Names of the weights in order: encoder weight [P, H] and bias [H], decoder weight [H, P] and bias [P].</summary>
    public static readonly IReadOnlyList<string> ParameterNames = ["encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"];

    private readonly float[] encoderWeight, encoderBias, decoderWeight, decoderBias;
    private readonly float[] code, reconstruction;

    /// <summary>An autoencoder over the given weights (not copied).</summary>
    /// <exception cref="ArgumentException">The weights' lengths disagree.</exception>
    public RoutingAutoencoder(float[] encoderWeight, float[] encoderBias, float[] decoderWeight, float[] decoderBias)
    {
        Dimension = decoderBias.Length;
        Hidden = encoderBias.Length;
        if (Dimension == 0 || Hidden == 0 || encoderWeight.Length != Dimension * Hidden || decoderWeight.Length != Hidden * Dimension)
        {
            throw new ArgumentException($"Autoencoder weights disagree: encoder {encoderWeight.Length} + {Hidden}, decoder {decoderWeight.Length} + {Dimension} values.");
        }

        (this.encoderWeight, this.encoderBias, this.decoderWeight, this.decoderBias) = (encoderWeight, encoderBias, decoderWeight, decoderBias);
        code = new float[Hidden];
        reconstruction = new float[Dimension];
    }

    /// <summary>Width of an embedding.</summary>
    public int Dimension { get; }

    /// <summary>Width of a code.</summary>
    public int Hidden { get; }

    /// <summary>The weights in <see cref="ParameterNames"/> order (the arrays it reads; not copies).</summary>
    public IReadOnlyList<ReadOnlyMemory<float>> Parameters => [encoderWeight, encoderBias, decoderWeight, decoderBias];

    /// <summary>The error above which an input is not this autoencoder's (+∞: it accepts everything).</summary>
    public float Threshold { get; set; } = float.PositiveInfinity;

    /// <summary>mean_j (ReLU(x·W1 + b1)·W2 + b2 − x)²_j of one embedding <paramref name="x"/>.</summary>
    public float Error(ReadOnlySpan<float> x)
    {
        encoderBias.CopyTo(code, 0);
        for (int i = 0; i < Dimension; i++)
        {
            TensorPrimitives.MultiplyAdd(encoderWeight.AsSpan(i * Hidden, Hidden), x[i], code, code);
        }

        TensorPrimitives.Max(code, 0f, code);
        decoderBias.CopyTo(reconstruction, 0);
        for (int k = 0; k < Hidden; k++)
        {
            TensorPrimitives.MultiplyAdd(decoderWeight.AsSpan(k * Dimension, Dimension), code[k], reconstruction, reconstruction);
        }

        TensorPrimitives.Subtract(reconstruction, x, reconstruction);
        return TensorPrimitives.SumOfSquares<float>(reconstruction) / Dimension;
    }
}
