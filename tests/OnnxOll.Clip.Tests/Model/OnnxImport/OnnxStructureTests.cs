using OnnxOll.Clip.Model;
using OnnxOll.Clip.Tests.Graphs;
using OnnxOll.Onnx.Models;
using OnnxOll.Onnx.Proto;
using OnnxOll.TestSupport;

namespace OnnxOll.Clip.Tests.Model.OnnxImport;

/// <summary>Graphs without node names (mapped by each block's structure), int8 graphs (dequantized), and the graphs refused.</summary>
public sealed class OnnxStructureTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("opset14-dynamic/onnx/model.onnx")]
    [InlineData("opset17-static/onnx/model.onnx")]
    [InlineData("opset14-dynamic/onnx/model_quantized.onnx")]
    public void StrippedNodeNamesGiveTheSameTensors(string graph)
    {
        string stripped = Rewrite(graph, "stripped", model =>
        {
            foreach (var node in model.Graph.Node)
            {
                node.Name = "";
            }
        });
        using var named = ClipWeights.Open(OnnxFixtures.File(graph));
        using var structural = ClipWeights.Open(stripped);
        Assert.Equal(named.Names, structural.Names);
        foreach (string name in named.Names)
        {
            Assert.True(named.ReadFloat32(name).SequenceEqual(structural.ReadFloat32(name)), $"tensor '{name}' differs");
        }
    }

    [Fact]
    public void QuantizedWeightsAreDequantizedWithinHalfAStep()
    {
        using var quantized = ClipWeights.Open(OnnxFixtures.File("opset14-dynamic/onnx/model_quantized.onnx"));
        using var reference = OnnxFixtures.Reference();
        int linears = 0;
        foreach (string name in reference.Names)
        {
            float[] expected = reference.ReadFloat32(name), actual = quantized.ReadFloat32(name);
            bool isLinear = name.Contains(".encoder.layers.", StringComparison.Ordinal) && name.EndsWith("proj.weight", StringComparison.Ordinal)
                || name.EndsWith("fc1.weight", StringComparison.Ordinal) || name.EndsWith("fc2.weight", StringComparison.Ordinal) || name.EndsWith("_projection.weight", StringComparison.Ordinal);
            double step = isLinear ? expected.Max(MathF.Abs) / 127.0 : 0;
            linears += isLinear ? 1 : 0;
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= (step / 2 * 1.0001) + 1e-7, $"'{name}'[{i}]: {actual[i]} vs {expected[i]} (step {step})");
            }
        }

        Assert.Equal(20, linears);
    }

    [Fact]
    public void QuantizedEmbeddingsStayWithinTheStatedToleranceOfFloat32()
    {
        using var quantized = ClipWeights.Open(OnnxFixtures.File("opset14-dynamic/onnx/model_quantized.onnx"));
        using var reference = OnnxFixtures.Reference();
        var (image, text) = OnnxFixtures.Embed(quantized, temp.Path);
        var (expectedImage, expectedText) = OnnxFixtures.Embed(reference, temp.Path);
        // Measured: 5.8e-3 (image) and 6.8e-3 (text) of the largest embedding value; stated tolerance 1e-2.
        TowerForwardTests.AssertClose(expectedImage, image, 1e-2);
        TowerForwardTests.AssertClose(expectedText, text, 1e-2);
    }

    [Fact]
    public void AlteredBlockWithoutNamesIsRefusedNamingItsFirstMissingProjection()
    {
        string altered = Rewrite("opset17-static/onnx/model.onnx", "altered", model =>
        {
            RemoveKeyProjection(model, "/vision_model/encoder/layers.1/self_attn");
            foreach (var node in model.Graph.Node)
            {
                node.Name = "";
            }
        });
        var e = Assert.Throws<InvalidDataException>(() => ClipWeights.Open(altered));
        Assert.StartsWith($"{altered}: vision_model (from 'pixel_values'): block 1: could not find k_proj (", e.Message);
    }

    [Fact]
    public void NamedGraphMissingAProjectionIsRefusedNamingIt()
    {
        string altered = Rewrite("opset17-static/onnx/model.onnx", "named", model => RemoveKeyProjection(model, "/text_model/encoder/layers.0/self_attn"));
        var e = Assert.Throws<InvalidDataException>(() => ClipWeights.Open(altered));
        Assert.StartsWith($"{altered}: text_model (from 'input_ids'): block 0: could not find k_proj (no product by a constant weight in a node named like '/text_model/encoder/layers.0/self_attn/k_proj/MatMul')", e.Message);
    }

    [Fact]
    public void ExternalDataOutsideTheFolderIsRefused()
    {
        string graph = Rewrite("opset17-dynamic/onnx/model.onnx", "escape", model =>
        {
            var t = model.Graph.Initializer.First(t => t.DataLocation == TensorProto.Types.DataLocation.External);
            var (_, offset, length) = ExternalData.Describe(t);
            ExternalData.Reference(t, "../../model.onnx_data", offset, length);
        });
        var e = Assert.Throws<InvalidDataException>(() => ClipWeights.Open(graph));
        Assert.Contains("outside the graph's folder; refused", e.Message, StringComparison.Ordinal);
    }

    // Feeds the attention's key side from the query projection and deletes the key projection (its MatMul and bias Add).
    private static void RemoveKeyProjection(ModelProto model, string attention)
    {
        var nodes = model.Graph.Node;
        var kMatMul = nodes.Single(n => n.Name == $"{attention}/k_proj/MatMul");
        var kAdd = nodes.Single(n => n.Input.Contains(kMatMul.Output[0]));
        var qAdd = nodes.Single(n => n.Input.Contains(nodes.Single(m => m.Name == $"{attention}/q_proj/MatMul").Output[0]));
        foreach (var node in nodes)
        {
            for (int i = 0; i < node.Input.Count; i++)
            {
                node.Input[i] = node.Input[i] == kAdd.Output[0] ? qAdd.Output[0] : node.Input[i];
            }
        }

        nodes.Remove(kMatMul);
        nodes.Remove(kAdd);
    }

    // A copy of the fixture graph's folder (config.json beside onnx/) with the graph rewritten; returns the graph's path.
    private string Rewrite(string graph, string name, Action<ModelProto> change)
    {
        string source = OnnxFixtures.File(graph);
        string folder = Path.Combine(temp.Path, name, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(folder, "onnx"));
        string layoutFolder = Path.GetDirectoryName(Path.GetDirectoryName(source))!;
        File.Copy(Path.Combine(layoutFolder, ClipConfig.FileName), Path.Combine(folder, ClipConfig.FileName));
        foreach (string data in Directory.GetFiles(Path.GetDirectoryName(source)!, "*_data"))
        {
            File.Copy(data, Path.Combine(folder, "onnx", Path.GetFileName(data)));
        }

        var model = ModelIO.Load(source);
        change(model);
        string target = Path.Combine(folder, "onnx", Path.GetFileName(source));
        ModelIO.Save(model, target);
        return target;
    }
}
