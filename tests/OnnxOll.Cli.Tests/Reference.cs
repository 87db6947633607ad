using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Cli.Tests;

/// <summary>Plain C# references: tensors of a safetensors file, L2 normalisation and the cross-entropy of CLIP logits.</summary>
public static class Reference
{
    public static float[] Read(string path, string name)
    {
        using var file = SafeTensorsFile.Open(path);
        return file.ReadFloat32(name);
    }

    public static long[] Shape(string path, string name)
    {
        using var file = SafeTensorsFile.Open(path);
        return file.Get(name).Shape;
    }

    public static double[][] NormalizedRows(float[] data, int dim)
    {
        var rows = new double[data.Length / dim][];
        for (int r = 0; r < rows.Length; r++)
        {
            double norm = Math.Sqrt(Enumerable.Range(0, dim).Sum(j => (double)data[(r * dim) + j] * data[(r * dim) + j]));
            rows[r] = Enumerable.Range(0, dim).Select(j => data[(r * dim) + j] / norm).ToArray();
        }

        return rows;
    }

    public static double Dot(double[] a, double[] b) => a.Select((x, i) => x * b[i]).Sum();

    /// <summary>Mean over images of −log softmax(exp(scale)·cos)[label] over the classes <paramref name="subset"/>.</summary>
    /// <remarks>With <paramref name="doubleSoftmax"/>, the cross-entropy is taken of the softmax probabilities (the official code's quirk).</remarks>
    public static double Loss(float[] imageEmbeds, float[] textEmbeds, int dim, long[] labels, long[] subset, double logitScale, bool doubleSoftmax = false)
    {
        var img = NormalizedRows(imageEmbeds, dim);
        var txt = NormalizedRows(textEmbeds, dim);
        double total = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var logits = subset.Select(c => Math.Exp(logitScale) * Dot(img[i], txt[c])).ToArray();
            if (doubleSoftmax)
            {
                double top = logits.Max();
                double z = logits.Sum(l => Math.Exp(l - top));
                logits = logits.Select(l => Math.Exp(l - top) / z).ToArray();
            }

            double max = logits.Max();
            double logSum = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
            total += logSum - logits[Array.IndexOf(subset, labels[i])];
        }

        return total / labels.Length;
    }
}
