using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Graph;

namespace OnnxOll.Clip.Tests.Graphs;

/// <summary>The int8 copy of the frozen linear weights: symmetric per-column rounding, cached once, used by every linear product of the graphs.</summary>
[Collection(TinyModelCollection.Name)]
public sealed class QuantizedWeightsTests(TinyModelFixture tiny)
{
    [Fact]
    public void QuantizationIsSymmetricPerColumnWithinHalfAStep()
    {
        var random = new Random(4);
        int rows = 7, cols = 5;
        var w = new float[rows * cols];
        for (int i = 0; i < w.Length; i++)
        {
            w[i] = (float)((random.NextDouble() - 0.5) * (1 + (i % cols)));
        }

        var (q, scales) = QuantizedWeights.Quantize(w, rows, cols);
        for (int c = 0; c < cols; c++)
        {
            float max = Enumerable.Range(0, rows).Max(r => Math.Abs(w[(r * cols) + c]));
            Assert.Equal(max / 127f, scales[c], 6);
            Assert.Contains(Enumerable.Range(0, rows), r => Math.Abs(q[(r * cols) + c]) == 127);
            for (int r = 0; r < rows; r++)
            {
                Assert.InRange(Math.Abs((q[(r * cols) + c] * scales[c]) - w[(r * cols) + c]), 0, (scales[c] / 2) + 1e-7);
            }
        }
    }

    [Fact]
    public void Int8GraphsMultiplyEveryEncoderLinearOnInt8AndReuseTheCachedFile()
    {
        var int8 = tiny.Frozen.As(FrozenPrecision.Int8);
        string file = Path.Combine(tiny.Frozen.Directory, QuantizedWeights.FileName);
        var written = File.GetLastWriteTimeUtc(file);
        Assert.Equal(FrozenPrecision.Int8, tiny.Frozen.As(FrozenPrecision.Int8).Precision);
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));

        var layout = new PetLayout(PetSpec.Parse("lora:r=2,towers=both,targets=q+v"), tiny.Config);
        var model = ClipTrainingGraph.Build(int8, layout);
        var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        // Encoder linears (q,k,v fused, o, fc1, fc2 per layer of both towers) and the patch embedding are int8 products.
        int layers = tiny.Config.Vision.NumHiddenLayers + tiny.Config.Text.NumHiddenLayers;
        var forward = model.Graph.Node.Where(n => n.OpType == "DynamicQuantizeMatMul" && !n.Name.StartsWith("backward", StringComparison.Ordinal)).ToArray();
        Assert.Equal((4 * layers) + 1, forward.Length);
        Assert.DoesNotContain(initializers, n => n.Contains(".encoder.layers.", StringComparison.Ordinal) && n.EndsWith(".weight_t", StringComparison.Ordinal));
        Assert.Contains(model.Graph.Node, n => n.OpType == "DynamicQuantizeMatMul" && n.Name.StartsWith("backward", StringComparison.Ordinal));
        Assert.DoesNotContain(ClipTrainingGraph.Build(tiny.Frozen, layout).Graph.Node, n => n.OpType == "DynamicQuantizeMatMul");
    }
}
