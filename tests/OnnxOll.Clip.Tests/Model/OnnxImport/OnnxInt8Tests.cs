using System.Runtime.InteropServices;
using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Models;
using OnnxOll.TestSupport;

namespace OnnxOll.Clip.Tests.Model.OnnxImport;

/// <summary>An int8 export's MatMulInteger weights stay quantized: OnnxOll's int8 frozen weights (<c>--frozen int8</c>) take
/// the export's int8 values and scales as they are instead of quantizing the dequantized weights again.</summary>
public sealed class OnnxInt8Tests : IDisposable
{
    private const string Graph = "opset14-dynamic/onnx/model_quantized.onnx";
    private readonly TempDirectory cache = new();

    public void Dispose() => cache.Dispose();

    [Fact]
    public void Int8FrozenWeightsHoldTheExportsInt8ValuesAndScales()
    {
        using var weights = ClipWeights.Open(OnnxFixtures.File(Graph));
        Assert.True(weights.HasInt8);
        var int8 = FrozenWeights.Prepare(weights, cache.Path).As(FrozenPrecision.Int8).Int8!;
        var foreign = new GraphIndex(ModelIO.Load(OnnxFixtures.File(Graph)).Graph);
        int kept = 0;
        foreach (var node in foreign.Graph.Node.Where(n => n.OpType == "MatMulInteger"))
        {
            string module = node.Name.Split("/encoder/layers.")[^1];
            if (module == node.Name)
            {
                continue;
            }

            string tower = node.Name.StartsWith("/vision_model", StringComparison.Ordinal) ? "vision_model" : "text_model";
            string hf = $"{tower}.encoder.layers.{module.Split('/')[0]}.{string.Join('.', module.Split('/')[1..^1])}.weight";
            string stored = FrozenWeights.Transposed(hf);
            var values = int8.Reference(stored + QuantizedWeights.WeightSuffix);
            ExternalData.Load(values, cache.Path);
            Assert.True(values.RawData.Span.SequenceEqual(foreign.Initializer(node.Input[1])!.RawData.Span), $"{hf}: int8 values differ from '{node.Input[1]}'");
            var scales = int8.Reference(stored + QuantizedWeights.ScaleSuffix);
            ExternalData.Load(scales, cache.Path);
            float scale = Tensors.ToArray<float>(foreign.Initializer(node.Input[1][..^"_quantized".Length] + "_scale")!)[0];
            Assert.All(MemoryMarshal.Cast<byte, float>(scales.RawData.Span).ToArray(), s => Assert.Equal(scale, s));
            kept++;
        }

        Assert.Equal(18, kept);
    }

    [Fact]
    public void AFolderWithOnlyQuantizedGraphsReadsThem()
    {
        string folder = Path.Combine(cache.Path, "quantized-only");
        Directory.CreateDirectory(Path.Combine(folder, "onnx"));
        File.Copy(OnnxFixtures.File("opset14-dynamic/config.json"), Path.Combine(folder, ClipConfig.FileName));
        File.Copy(OnnxFixtures.File(Graph), Path.Combine(folder, "onnx", "model_quantized.onnx"));
        using var weights = ClipWeights.Open(folder);
        Assert.Equal("model_quantized.onnx", Path.GetFileName(weights.Path));
        Assert.True(weights.HasInt8);
    }

    [Fact]
    public void Float32ModelsStillQuantizeTheirOwnWeights()
    {
        using var weights = OnnxFixtures.Reference();
        Assert.False(weights.HasInt8);
        Assert.Null(weights.ReadInt8("vision_model.encoder.layers.0.self_attn.q_proj.weight"));
    }
}
