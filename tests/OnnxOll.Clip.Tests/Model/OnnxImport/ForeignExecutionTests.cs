using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tests.Graphs;
using OnnxOll.TestSupport;

namespace OnnxOll.Clip.Tests.Model.OnnxImport;

/// <summary>The exported graphs themselves, run in ONNX Runtime, against OnnxOll's towers built on the weights read out of them:
/// the import reproduces what the foreign graph computes, not only the reference folder's tensors.</summary>
public sealed class ForeignExecutionTests : IDisposable
{
    private const int Batch = 2;
    private readonly TempDirectory cache = new();

    public void Dispose() => cache.Dispose();

    // Columns: combined graph, OnnxOll's frozen precision, tolerance relative to the largest embedding value. The int8 export
    // differs by run-time activation quantization: measured 1.8e-3 (image) against OnnxOll float32 on the dequantized weights,
    // 2.0e-3 (image) and 7.0e-3 (text) against OnnxOll int8 (which also quantizes the patch embedding, not the projections).
    [Theory]
    [InlineData("opset14-dynamic/onnx/model.onnx", FrozenPrecision.Float32, 1e-5)]
    [InlineData("opset17-static/onnx/model.onnx", FrozenPrecision.Float32, 1e-5)]
    [InlineData("opset17-dynamic/onnx/model.onnx", FrozenPrecision.Float32, 1e-5)]
    [InlineData("opset14-dynamic/onnx/model_quantized.onnx", FrozenPrecision.Float32, 1e-2)]
    [InlineData("opset14-dynamic/onnx/model_quantized.onnx", FrozenPrecision.Int8, 1e-2)]
    public void ForeignGraphGivesTheNormalisedEmbeddingsOfTheImport(string graph, FrozenPrecision precision, double tolerance)
    {
        using var weights = ClipWeights.Open(OnnxFixtures.File(graph));
        var v = weights.Config.Vision;
        var t = weights.Config.Text;
        int length = t.MaxPositionEmbeddings;
        var pixels = TestInputs.ToFloat(TestInputs.Pixels(12, Batch, v.NumChannels, v.ImageSize));
        var ids = TestInputs.Ids(13, Batch, length, t.EosTokenId!.Value);
        long[] pixelShape = [Batch, v.NumChannels, v.ImageSize, v.ImageSize];
        using var foreign = new OrtRunner(OnnxFixtures.File(graph));
        var expected = foreign.Run(new Dictionary<string, (Array, long[])>
        {
            ["pixel_values"] = (pixels, pixelShape),
            ["input_ids"] = (ids, [Batch, length]),
            ["attention_mask"] = (Enumerable.Repeat(1L, Batch * length).ToArray(), [Batch, length]),
        });

        var frozen = FrozenWeights.Prepare(weights, cache.Path).As(precision);
        var options = new ClipGraphOptions { Normalize = true };
        using var vision = new OrtRunner(frozen.SaveGraph(ClipVisionGraph.Build(frozen, options), "vision.onnx"));
        using var text = new OrtRunner(frozen.SaveGraph(ClipTextGraph.Build(frozen, options), "text.onnx"));
        var image = vision.Run(new Dictionary<string, (Array, long[])> { [ClipGraphNames.PixelValues] = (pixels, pixelShape) })[ClipGraphNames.ImageEmbeds];
        var texts = text.Run(new Dictionary<string, (Array, long[])> { [ClipGraphNames.InputIds] = (ids, [Batch, length]) })[ClipGraphNames.TextEmbeds];
        TowerForwardTests.AssertClose(expected["image_embeds"], image, tolerance);
        TowerForwardTests.AssertClose(expected["text_embeds"], texts, tolerance);
    }
}
