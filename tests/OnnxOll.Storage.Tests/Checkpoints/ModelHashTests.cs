using OnnxOll.TestSupport;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Storage.Tests.Checkpoints;

public class ModelHashTests
{
    [Fact]
    public void SameFolderSameHash_ConfigHeaderOrLengthChangesIt()
    {
        using var tmp = new TempDirectory();
        string config = tmp.File("m/config.json"), weights = tmp.File("m/model.safetensors");
        File.WriteAllText(config, "{\"projection_dim\": 512}");
        WriteWeights(weights, [1f, 2f, 3f]);
        string dir = Path.GetDirectoryName(config)!;
        string original = ModelHash.Compute(dir);
        Assert.Equal(64, original.Length);
        Assert.Equal(original, ModelHash.Compute(dir));

        File.WriteAllText(config, "{\"projection_dim\": 768}");
        string otherConfig = ModelHash.Compute(dir);
        File.WriteAllText(config, "{\"projection_dim\": 512}");
        WriteWeights(weights, [1f, 2f, 3f, 4f]);
        string otherWeights = ModelHash.Compute(dir);
        Assert.Equal(3, new[] { original, otherConfig, otherWeights }.Distinct().Count());
    }

    [Fact]
    public void SameShapesOtherValues_OtherHash()
    {
        // Two init-tiny seeds have equal configs, headers and lengths: a hash of those alone called them one model.
        using var tmp = new TempDirectory();
        string config = tmp.File("m/config.json"), weights = tmp.File("m/model.safetensors");
        File.WriteAllText(config, "{\"projection_dim\": 512}");
        WriteWeights(weights, [1f, 2f, 3f]);
        string dir = Path.GetDirectoryName(config)!;
        string original = ModelHash.Compute(dir), headersOnly = ModelHash.ComputeHeadersOnly(dir);
        WriteWeights(weights, [1f, 2f, 4f]);
        File.SetLastWriteTimeUtc(weights, DateTime.UtcNow.AddSeconds(5));
        Assert.NotEqual(original, ModelHash.Compute(dir));
        Assert.Equal(headersOnly, ModelHash.ComputeHeadersOnly(dir));
    }

    [Fact]
    public void MissingWeights_Throws_NamingTheFolder()
    {
        using var tmp = new TempDirectory();
        File.WriteAllText(tmp.File("config.json"), "{}");
        Assert.Contains(tmp.Path, Assert.Throws<FileNotFoundException>(() => ModelHash.Compute(tmp.Path)).Message);
    }

    private static void WriteWeights(string path, float[] values)
    {
        var writer = new SafeTensorsWriter();
        writer.Add("w", values, values.Length);
        writer.Write(path);
    }
}
