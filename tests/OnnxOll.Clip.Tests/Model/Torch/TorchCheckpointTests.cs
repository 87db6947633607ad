using OnnxOll.Clip.Model.Torch;
using OnnxOll.TestSupport;

namespace OnnxOll.Clip.Tests.Model.Torch;

public sealed class TorchCheckpointTests
{
    // The file the malicious pickle's payload (`touch <marker>` through posix.system) would create.
    private const string Marker = "/tmp/onnxoll-malicious-pickle-ran";

    // Columns: tensor of dtypes.pt, the float32 tensor torch computed for it (same values, contiguous).
    public static TheoryData<string, string> Views => new()
    {
        { "f16", "f16_expected" },
        { "bf16", "bf16_expected" },
        { "transposed", "transposed_expected" },
        { "offset", "offset_expected" },
        { "half_view", "half_view_expected" },
    };

    [Theory]
    [MemberData(nameof(Views))]
    public void DtypesStridesAndOffsetsReadAsTorchComputesThem(string name, string expected)
    {
        using var checkpoint = TorchCheckpoint.Open(TorchFixtures.File("dtypes.pt"));
        Assert.Equal(checkpoint.Get(expected).Shape, checkpoint.Get(name).Shape);
        Assert.Equal(checkpoint.ReadFloat32(expected), checkpoint.ReadFloat32(name));
    }

    [Fact]
    public void ViewsKeepTheirStridesAndOffsets()
    {
        using var checkpoint = TorchCheckpoint.Open(TorchFixtures.File("dtypes.pt"));
        Assert.Equal([1L, 5], checkpoint.Get("transposed").Stride);
        Assert.Equal(8, checkpoint.Get("offset").StorageOffset);
        Assert.Equal(TorchDType.BFloat16, checkpoint.Get("bf16").DType);
    }

    [Fact]
    public void IntegerTensorIsNotReadAsFloat()
    {
        using var checkpoint = TorchCheckpoint.Open(TorchFixtures.File("dtypes.pt"));
        var e = Assert.Throws<InvalidDataException>(() => checkpoint.ReadFloat32("ids"));
        Assert.Contains("tensor 'ids' has dtype Int64, expected a float type", e.Message);
    }

    [Fact]
    public void MaliciousPickleIsRefusedWithoutRunningIt()
    {
        File.Delete(Marker);
        string path = TorchFixtures.File("malicious.pt");
        var e = Assert.Throws<InvalidDataException>(() => TorchCheckpoint.Open(path));
        Assert.StartsWith($"{path}: malicious/data.pkl: global 'posix.system' is not allowed", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(Marker));
    }

    [Fact]
    public void LegacyPickleIsRefusedWithTheWayOut()
    {
        string path = TorchFixtures.File("legacy.bin");
        var e = Assert.Throws<InvalidDataException>(() => TorchCheckpoint.Open(path));
        Assert.Equal($"{path}: a legacy (pre-1.6, non-zip) torch.save pickle, which is refused; re-save it with torch >= 1.6 (torch.save(torch.load(f), f2)) to get the zip format.", e.Message);
    }

    [Fact]
    public void TruncatedArchiveNamesTheFile()
    {
        using var temp = new TempDirectory();
        string path = temp.File("copy.pt");
        var bytes = File.ReadAllBytes(TorchFixtures.File("dtypes.pt"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => TorchCheckpoint.Open(path));
        Assert.StartsWith($"{path}: not a readable zip archive", e.Message);
    }

    [Fact]
    public void MissingStorageEntryNamesTheEntryAndTensor()
    {
        using var temp = new TempDirectory();
        string path = temp.File("copy.pt");
        File.Copy(TorchFixtures.File("dtypes.pt"), path);
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update))
        {
            zip.GetEntry("dtypes/data/0")!.Delete();
        }

        using var checkpoint = TorchCheckpoint.Open(path);
        var e = Assert.Throws<InvalidDataException>(() => checkpoint.ReadFloat32("f32"));
        Assert.Equal($"{path}: storage entry 'dtypes/data/0' of tensor 'f32' is missing.", e.Message);
    }

    [Fact]
    public void UnknownOpcodeIsNamed()
    {
        using var temp = new TempDirectory();
        string path = temp.File("copy.pt");
        using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("x/data.pkl").Open();
            s.Write([0x80, 0x02, (byte)'i', (byte)'.']); // INST: builds an object of a named class
        }

        var e = Assert.Throws<InvalidDataException>(() => TorchCheckpoint.Open(path));
        Assert.Equal($"{path}: x/data.pkl: opcode 0x69 at byte 2 is not allowed (a checkpoint holds only tensors, dicts, lists and numbers).", e.Message);
    }
}
