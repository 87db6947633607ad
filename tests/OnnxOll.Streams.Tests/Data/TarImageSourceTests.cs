using System.Formats.Tar;
using OnnxOll.Streams.Data;
using OnnxOll.TestSupport;

namespace OnnxOll.Streams.Tests.Data;

public class TarImageSourceTests
{
    private static readonly string LongDir = new('d', 120);

    // Columns: tar format (ustar cannot hold names over 255 characters, so it gets short names).
    [Theory]
    [InlineData(TarEntryFormat.Ustar)]
    [InlineData(TarEntryFormat.Gnu)]
    [InlineData(TarEntryFormat.Pax)]
    public void ReadsMembersInPlace_ByClassDirectory(TarEntryFormat format)
    {
        using var tmp = new TempDirectory();
        string nested = format == TarEntryFormat.Ustar ? "n" : LongDir;
        var files = new Dictionary<string, byte[]>
        {
            ["train/cat/b.jpg"] = [1, 2, 3],
            ["train/cat/a.JPG"] = [4],
            [$"train/dog/{nested}/c.png"] = [5, 6],
            ["train/dog/notes.txt"] = [7],
            ["test/cat/x.jpg"] = [8, 8],
        };
        string tar = WriteTar(tmp.File("data.tar"), format, files);

        Assert.Equal(["test", "train"], TarImageSource.TopLevelDirectories(tar).Order());
        using var train = TarImageSource.Open(tar, "train");
        Assert.Equal(["cat", "cat", "dog"], train.Labels);
        Assert.Equal([4], train.Read(0).EncodedBytes!);
        Assert.Equal([1, 2, 3], train.Read(1).EncodedBytes!);
        var dog = train.Read(2);
        Assert.Equal([5, 6], dog.EncodedBytes!);
        Assert.Equal("dog", dog.Label);
        Assert.EndsWith($"train/dog/{nested}/c.png", dog.SourceName);
        Assert.Null(dog.Pixels);

        using var test = TarImageSource.Open(tar, "test");
        Assert.Equal(["cat"], test.Labels);
        using var whole = TarImageSource.Open(tar);
        Assert.Equal(["test", "train", "train", "train"], whole.Labels);
    }

    [Fact]
    public void NoImagesUnderSubPath_Throws_NamingTheTar()
    {
        using var tmp = new TempDirectory();
        string tar = WriteTar(tmp.File("x.tar"), TarEntryFormat.Pax, new() { ["a/b.jpg"] = [1] });
        var ex = Assert.Throws<InvalidDataException>(() => TarImageSource.Open(tar, "train"));
        Assert.Contains(tar, ex.Message);
    }

    [SharedDataFact("cifar10_jpg/cifar10_test_jpg.tar")]
    public void RealCifar10TestTar_HasTenClassesOfOneThousandJpegs()
    {
        string tar = SharedData.Find("cifar10_jpg/cifar10_test_jpg.tar")!;
        using var source = TarImageSource.Open(tar, "test");
        Assert.Equal(10_000, source.Labels.Count);
        Assert.All(source.Labels.GroupBy(l => l), g => Assert.Equal(1000, g.Count()));
        Assert.Contains("airplane", source.Labels);
        foreach (int i in new[] { 0, 4321, 9999 })
        {
            var bytes = source.Read(i).EncodedBytes!;
            Assert.Equal([0xFF, 0xD8], bytes[..2]);
            Assert.Equal([0xFF, 0xD9], bytes[^2..]);
        }
    }

    internal static string WriteTar(string path, TarEntryFormat format, Dictionary<string, byte[]> files)
    {
        using var stream = File.Create(path);
        using var writer = new TarWriter(stream, format);
        writer.WriteEntry(Entry(format, TarEntryType.Directory, "train/", null));
        foreach (var (name, data) in files)
        {
            writer.WriteEntry(Entry(format, format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : TarEntryType.RegularFile, name, data));
        }

        return path;
    }

    private static TarEntry Entry(TarEntryFormat format, TarEntryType type, string name, byte[]? data)
    {
        TarEntry entry = format switch
        {
            TarEntryFormat.Ustar => new UstarTarEntry(type, name),
            TarEntryFormat.Gnu => new GnuTarEntry(type, name),
            _ => new PaxTarEntry(type, name),
        };
        if (data is not null)
        {
            entry.DataStream = new MemoryStream(data);
        }

        return entry;
    }
}
