using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tests.Graphs;

namespace OnnxOll.Clip.Tests.Model.OnnxImport;

/// <summary>Paths of the committed ONNX exports of tests/fixtures/onnx_export.py, and embeddings of any weights of that micro CLIP.</summary>
internal static class OnnxFixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "fixtures", "onnx");

    public static string File(string relative) => Path.Combine(Root, relative);

    /// <summary>The Hugging Face safetensors folder of the same weights.</summary>
    public static ClipWeights Reference() => ClipWeights.Open(File("hf"));

    /// <summary>Image and text embeddings (unnormalised) of fixed inputs through OnnxOll's own towers built on <paramref name="weights"/>.</summary>
    public static (double[] Image, double[] Text) Embed(ClipWeights weights, string cacheDirectory)
    {
        var frozen = FrozenWeights.Prepare(weights, Path.Combine(cacheDirectory, Guid.NewGuid().ToString("N")));
        var v = weights.Config.Vision;
        var t = weights.Config.Text;
        var pixels = TestInputs.ToFloat(TestInputs.Pixels(4, 3, v.NumChannels, v.ImageSize));
        var ids = TestInputs.Ids(6, 4, t.MaxPositionEmbeddings, t.VocabSize - 1);
        using var vision = new OrtRunner(frozen.SaveGraph(ClipVisionGraph.Build(frozen, new ClipGraphOptions()), "vision.onnx"));
        using var text = new OrtRunner(frozen.SaveGraph(ClipTextGraph.Build(frozen, new ClipGraphOptions()), "text.onnx"));
        var image = vision.Run(new Dictionary<string, (Array, long[])> { [ClipGraphNames.PixelValues] = (pixels, [3, v.NumChannels, v.ImageSize, v.ImageSize]) });
        var texts = text.Run(new Dictionary<string, (Array, long[])> { [ClipGraphNames.InputIds] = (ids, [4, t.MaxPositionEmbeddings]) });
        return (image[ClipGraphNames.ImageEmbeds], texts[ClipGraphNames.TextEmbeds]);
    }
}
