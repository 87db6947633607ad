using OnnxOll.Onnx.Models;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.TestSupport;

namespace OnnxOll.Storage.Tests.Checkpoints;

/// <summary>The hash of an ONNX export folder covers every file the import reads: each graph and its external data.</summary>
public sealed class OnnxModelHashTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    // Columns: fixture folder (tests/fixtures/onnx), file changed relative to it (a graph: one weight byte; else its second-last byte).
    [Theory]
    [InlineData("opset14-dynamic", "onnx/text_model.onnx")]
    [InlineData("opset14-dynamic", "onnx/vision_model.onnx")]
    [InlineData("opset14-dynamic", "config.json")]
    [InlineData("opset17-dynamic", "onnx/model.onnx_data")]
    public void ChangingOneByteOfAFileReadChangesTheHash(string layout, string file)
    {
        string folder = Copy(layout);
        string original = ModelHash.Compute(folder);
        Assert.Equal(original, ModelHash.Compute(folder));
        string path = Path.Combine(folder, file);
        if (path.EndsWith(".onnx", StringComparison.Ordinal))
        {
            // One weight byte: the largest initializer's first byte.
            var model = ModelIO.Load(path);
            var weight = model.Graph.Initializer.MaxBy(t => t.RawData.Length)!;
            byte[] raw = weight.RawData.ToByteArray();
            raw[0] ^= 1;
            weight.RawData = Google.Protobuf.ByteString.CopyFrom(raw);
            ModelIO.Save(model, path);
        }
        else
        {
            byte[] bytes = File.ReadAllBytes(path);
            bytes[^2] ^= 1;
            File.WriteAllBytes(path, bytes);
        }

        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));
        Assert.NotEqual(original, ModelHash.Compute(folder));
    }

    [Fact]
    public void GraphsNotReadDoNotChangeTheHash()
    {
        string folder = Copy("opset14-dynamic");
        string original = ModelHash.Compute(folder);
        File.Delete(Path.Combine(folder, "onnx", "model_quantized.onnx"));
        Assert.Equal(original, ModelHash.Compute(folder));
    }

    private string Copy(string layout)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "fixtures", "onnx", layout);
        string target = Path.Combine(temp.Path, layout);
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }
}
