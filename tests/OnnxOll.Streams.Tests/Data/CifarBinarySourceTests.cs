using OnnxOll.Streams.Data;
using OnnxOll.TestSupport;

namespace OnnxOll.Streams.Tests.Data;

public class CifarBinarySourceTests
{
    [Fact]
    public void Cifar10_ReadsBatchesInOrder_ConvertsChwToHwc()
    {
        using var tmp = new TempDirectory();
        File.WriteAllLines(tmp.File("batches.meta.txt"), ["airplane", "automobile", "bird", "", ""]);
        for (int b = 1; b <= 5; b++)
        {
            File.WriteAllBytes(tmp.File($"data_batch_{b}.bin"), [.. Record10((byte)(b % 3), (byte)b), .. Record10(0, 50)]);
        }

        File.WriteAllBytes(tmp.File("test_batch.bin"), Record10(2, 99));
        using var splits = DataSpec.Open($"cifar10:{tmp.Path}");
        Assert.Equal(10, splits.Train.Labels.Count);
        Assert.Equal(["automobile", "airplane", "bird", "airplane"], splits.Train.Labels.Take(4));
        var image = splits.Train.Read(4).Pixels!; // batch 3, record 0
        Assert.Equal((32, 32, 3), (image.Width, image.Height, image.Channels));
        // Pixel (y=1, x=2): channel c holds seed + c*7 + (1*32+2).
        int p = (1 * 32) + 2;
        Assert.Equal([(byte)(3 + p), (byte)(3 + 7 + p), (byte)(3 + 14 + p)], image.Pixels[(3 * p)..((3 * p) + 3)]);
        Assert.Equal(["bird"], splits.Test!.Labels);
        Assert.Equal((byte)(99 + 14), splits.Test.Read(0).Pixels!.Pixels[2]);
    }

    [Fact]
    public void Cifar100_UsesFineLabels()
    {
        using var tmp = new TempDirectory();
        File.WriteAllLines(tmp.File("fine_label_names.txt"), ["apple", "aquarium_fish", "baby"]);
        File.WriteAllBytes(tmp.File("train.bin"), [0, 2, .. new byte[3072], 1, 1, .. new byte[3072]]);
        File.WriteAllBytes(tmp.File("test.bin"), [0, 0, .. new byte[3072]]);
        using var splits = DataSpec.Open($"cifar100:{tmp.Path}");
        Assert.Equal(["baby", "aquarium_fish"], splits.Train.Labels);
        Assert.Equal(["apple"], splits.Test!.Labels);
    }

    [Fact]
    public void TruncatedBatch_Throws_NamingFileAndRecordSize()
    {
        using var tmp = new TempDirectory();
        File.WriteAllBytes(tmp.File("b.bin"), new byte[3000]);
        var ex = Assert.Throws<InvalidDataException>(() => new CifarBinarySource([tmp.File("b.bin")], CifarVariant.Cifar10, ["a"]));
        Assert.Contains("b.bin", ex.Message);
        Assert.Contains("3073", ex.Message);
    }

    private static byte[] Record10(byte label, byte seed)
    {
        var record = new byte[3073];
        record[0] = label;
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < 1024; i++)
            {
                record[1 + (c * 1024) + i] = (byte)(seed + (c * 7) + i);
            }
        }

        return record;
    }
}
