using Microsoft.ML.OnnxRuntime;
using OnnxOll.Clip.Graphs;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>The full-parameter pretraining graph (float64): the symmetric soft-target loss equals the loop reference, and the gradient
/// of every weight (embeddings, LayerNorms, projections, logit_scale) equals central differences.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class PretrainingGradientTests(TinyModelFixture tiny)
{
    private const int Batch = 5;
    private static readonly int[] Labels = [4, 1, 4, 2, 1];

    [Fact]
    public void LossMatchesReferenceAndEveryWeightGradientMatchesFiniteDifferences()
    {
        var layout = new TrainableWeights(tiny.Config);
        var model = ClipPretrainingGraph.Build(layout, ClipPrecision.Float64);
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(tiny.Frozen.SaveGraph(model, $"pretrain-{Guid.NewGuid():N}.onnx"), options);

        var v = tiny.Config.Vision;
        var t = tiny.Config.Text;
        int length = t.MaxPositionEmbeddings, imageSize = v.NumChannels * v.ImageSize * v.ImageSize;
        var pixels = TestInputs.Pixels(51, Batch, v.NumChannels, v.ImageSize);
        var ids = TestInputs.Ids(52, Batch, length, t.EosTokenId!.Value);
        var targets = SoftTargets(Labels);
        // The inputs pin their arrays once; finite differences edit the weight arrays in place between runs.
        var inputs = new Dictionary<string, OrtValue>
        {
            [ClipGraphNames.PixelValues] = OrtValue.CreateTensorValueFromMemory(pixels, [Batch, v.NumChannels, v.ImageSize, v.ImageSize]),
            [ClipGraphNames.InputIds] = OrtValue.CreateTensorValueFromMemory(ids, [Batch, length]),
            [ClipPretrainingGraph.PairTargets] = OrtValue.CreateTensorValueFromMemory(targets, [Batch, Batch]),
        };
        var weights = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var p in layout.Parameters)
        {
            float[] hf = tiny.Weights.ReadFloat32(p.HfName);
            weights[p.StoredName] = [.. ClipStoredLayout.ToStored(p.HfName, hf, p.HfShape).Select(f => (double)f)];
            inputs[p.StoredName] = OrtValue.CreateTensorValueFromMemory(weights[p.StoredName], p.StoredShape);
        }

        double Loss() => Run(session, inputs, [ClipGraphNames.Loss])[ClipGraphNames.Loss][0];
        var outputs = Run(session, inputs, session.OutputNames);
        var reference = new ReferenceClip(tiny.Weights);
        var images = Enumerable.Range(0, Batch).Select(b => ReferenceClip.Normalize(reference.Image(TestInputs.Row(pixels, b, imageSize)))).ToArray();
        var texts = Enumerable.Range(0, Batch).Select(b => ReferenceClip.Normalize(reference.Text(TestInputs.Row(ids, b, length)))).ToArray();
        double expected = SymmetricLoss(images, texts, targets, Math.Exp(weights["logit_scale"][0]));
        Assert.Equal(expected, outputs[ClipGraphNames.Loss][0], 1e-8);

        var random = new Random(53);
        foreach (var p in layout.Parameters)
        {
            FiniteDifferences.AssertMatches(p.StoredName, weights[p.StoredName], outputs[ClipGraphNames.Gradient(p.StoredName)], Loss, random, randomEntries: 2);
        }

        Assert.NotEqual(0, outputs[ClipGraphNames.Gradient("logit_scale")][0]);
        foreach (var value in inputs.Values)
        {
            value.Dispose();
        }
    }

    private static Dictionary<string, double[]> Run(InferenceSession session, Dictionary<string, OrtValue> inputs, IReadOnlyList<string> names)
    {
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, inputs, names);
        return names.Select((n, i) => (n, outputs[i].GetTensorDataAsSpan<double>().ToArray())).ToDictionary(x => x.n, x => x.Item2, StringComparer.Ordinal);
    }

    /// <summary>T_ij = 1/n when images i and j share a label (n images of that label), else 0.</summary>
    private static double[] SoftTargets(int[] labels)
    {
        int b = labels.Length;
        var t = new double[b * b];
        for (int i = 0; i < b; i++)
        {
            int n = labels.Count(l => l == labels[i]);
            for (int j = 0; j < b; j++)
            {
                t[(i * b) + j] = labels[i] == labels[j] ? 1.0 / n : 0;
            }
        }

        return t;
    }

    /// <summary>−½ (mean_i Σ_j T_ij log softmax_j + mean_j Σ_i T_ij log softmax_i) of s · cos(img_i, txt_j), in plain loops.</summary>
    private static double SymmetricLoss(double[][] images, double[][] texts, double[] targets, double scale)
    {
        int b = images.Length;
        var logits = new double[b, b];
        for (int i = 0; i < b; i++)
        {
            for (int j = 0; j < b; j++)
            {
                logits[i, j] = scale * images[i].Zip(texts[j], (x, y) => x * y).Sum();
            }
        }

        double rows = 0, columns = 0;
        for (int i = 0; i < b; i++)
        {
            double rowLse = Math.Log(Enumerable.Range(0, b).Sum(j => Math.Exp(logits[i, j])));
            double columnLse = Math.Log(Enumerable.Range(0, b).Sum(j => Math.Exp(logits[j, i])));
            for (int j = 0; j < b; j++)
            {
                rows += targets[(i * b) + j] * (logits[i, j] - rowLse);
                columns += targets[(j * b) + i] * (logits[j, i] - columnLse);
            }
        }

        return -0.5 * ((rows / b) + (columns / b));
    }
}
