using OnnxOll.Clip.Graphs;
using OnnxOll.Inference;
using OnnxOll.Runtime;

namespace OnnxOll.Benchmarks;

/// <summary>Measures how far the int8 frozen backbone moves embeddings, loss and PET gradients from float32 on the same batch and PET values.</summary>
public static class Int8Fidelity
{
    /// <summary>Runs the float32 and the int8 graphs of <paramref name="modelDir"/> on one seeded batch and compares them.</summary>
    public static FidelityResult Measure(string name, string modelDir, string petSpec, SessionSettings settings, int batch = 10, int classes = 10, int seed = 0)
    {
        using var f32 = StepSetup.Create(modelDir, petSpec, settings, FrozenPrecision.Float32, batch, classes, seed);
        using var i8 = StepSetup.Create(modelDir, petSpec, settings, FrozenPrecision.Int8, batch, classes, seed);
        double lossF32 = f32.Run(), lossI8 = i8.Run();
        var tensors = f32.Gradients.Keys.Order(StringComparer.Ordinal)
            .Select(t => Compare(t, f32.Gradients[t], i8.Gradients[t]))
            .ToArray();
        var embedF32 = ImageEmbeddings(f32, batch);
        var embedI8 = ImageEmbeddings(i8, batch);
        int dim = f32.Model.Config.ProjectionDim;
        double worst = 0;
        for (int b = 0; b < batch; b++)
        {
            var a = embedF32.AsSpan(b * dim, dim);
            var q = embedI8.AsSpan(b * dim, dim);
            worst = Math.Max(worst, Distance(a, q) / Norm(a));
        }

        return new FidelityResult(name, worst, lossF32, lossI8, tensors);
    }

    private static TensorFidelity Compare(string name, float[] reference, float[] quantized)
    {
        double dot = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            dot += (double)reference[i] * quantized[i];
        }

        double nr = Norm(reference), nq = Norm(quantized);
        return new TensorFidelity(name, nr > 0 && nq > 0 ? dot / (nr * nq) : double.NaN, nr > 0 ? Distance(reference, quantized) / nr : double.NaN);
    }

    /// <summary>Normalised image embeddings of the setup's batch from its evaluation graph (with its PET values).</summary>
    private static float[] ImageEmbeddings(StepSetup setup, int batch)
    {
        using var classifier = new ClipClassifier(setup.Model);
        var output = new float[batch * classifier.Dimension];
        classifier.Embed(setup.Pixels, batch, setup.Pet, output);
        return output;
    }

    private static double Norm(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (float v in x)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum);
    }

    private static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }
}
