using System.Formats.Tar;
using OnnxOll.Streams.Data;
using OnnxOll.TestSupport;

namespace OnnxOll.Streams.Tests.Data;

public class DataSpecTests
{
    [Fact]
    public void Folder_WithTrainAndValSubFolders_SplitsThem()
    {
        using var tmp = new TempDirectory();
        File.WriteAllBytes(tmp.File("train/a/1.jpg"), [1]);
        File.WriteAllBytes(tmp.File("val/a/2.jpg"), [2]);
        using var splits = DataSpec.Open($"folder:{tmp.Path}");
        Assert.Equal([1], splits.Train.Read(0).EncodedBytes!);
        Assert.Equal([2], splits.Test!.Read(0).EncodedBytes!);

        using var explicitSplits = DataSpec.Open($"folder:train={tmp.Path}/train,test={tmp.Path}/val");
        Assert.Equal([2], explicitSplits.Test!.Read(0).EncodedBytes!);
    }

    [Fact]
    public void Folder_WithoutSplits_IsAllTrain()
    {
        using var tmp = new TempDirectory();
        File.WriteAllBytes(tmp.File("a/1.jpg"), [1]);
        using var splits = DataSpec.Open($"folder:{tmp.Path}");
        Assert.Equal(["a"], splits.Train.Labels);
        Assert.Null(splits.Test);
    }

    [Fact]
    public void Tar_SingleFileSplitByTopDirectory_AndOneFilePerSplit()
    {
        using var tmp = new TempDirectory();
        string both = TarImageSourceTests.WriteTar(tmp.File("both.tar"), TarEntryFormat.Pax, new() { ["train/a/1.jpg"] = [1], ["test/b/2.jpg"] = [2] });
        using (var splits = DataSpec.Open($"tar:{both}"))
        {
            Assert.Equal(["a"], splits.Train.Labels);
            Assert.Equal(["b"], splits.Test!.Labels);
        }

        string onlyTrain = TarImageSourceTests.WriteTar(tmp.File("only.tar"), TarEntryFormat.Pax, new() { ["train/a/1.jpg"] = [1], ["other/b/2.jpg"] = [2] });
        using (var splits = DataSpec.Open($"tar:{onlyTrain}"))
        {
            Assert.Equal(["a"], splits.Train.Labels);
            Assert.Null(splits.Test);
        }

        string train = TarImageSourceTests.WriteTar(tmp.File("tr.tar"), TarEntryFormat.Pax, new() { ["train/a/1.jpg"] = [1] });
        string test = TarImageSourceTests.WriteTar(tmp.File("te.tar"), TarEntryFormat.Pax, new() { ["c/9.jpg"] = [9] });
        using var perFile = DataSpec.Open($"tar:train={train},test={test}");
        Assert.Equal(["a"], perFile.Train.Labels);
        Assert.Equal(["c"], perFile.Test!.Labels);

        string onlyTest = TarImageSourceTests.WriteTar(tmp.File("only-test.tar"), TarEntryFormat.Pax, new() { ["test/d/1.jpg"] = [1], ["test/e/2.jpg"] = [2] });
        using var testAsTrain = DataSpec.Open($"tar:train={onlyTest},test={onlyTest}");
        Assert.Equal(["d", "e"], testAsTrain.Train.Labels);
        Assert.Equal(["d", "e"], testAsTrain.Test!.Labels);
    }

    [Fact]
    public void Idx_TrainAndTest()
    {
        using var tmp = new TempDirectory();
        IdxFiles.Write(tmp.File("i"), new byte[4], 1, 2, 2);
        IdxFiles.Write(tmp.File("l"), [1], 1);
        File.WriteAllLines(tmp.File("n"), ["x", "y"]);
        using var splits = DataSpec.Open($"idx:images={tmp.File("i")},labels={tmp.File("l")},names={tmp.File("n")},test_images={tmp.File("i")},test_labels={tmp.File("l")}");
        Assert.Equal(["y"], splits.Train.Labels);
        Assert.Equal(["y"], splits.Test!.Labels);
    }

    // Columns: spec, text the message must contain.
    [Theory]
    [InlineData("zip:/x", "unknown kind 'zip'")]
    [InlineData("idx:images=/a", "field 'labels' is required")]
    [InlineData("idx:images=/a,labels=/b,test_images=/c", "'test_images' and 'test_labels'")]
    [InlineData("folder:test=/b", "field 'train' is required")]
    [InlineData("cifar10", "field 'path' is required")]
    public void BadSpec_NamesSpecAndField(string spec, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => DataSpec.Open(spec));
        Assert.Contains(expected, ex.Message);
        Assert.Contains(spec, ex.Message);
    }

    [Fact]
    public void UnknownField_IsRejected()
    {
        using var tmp = new TempDirectory();
        File.WriteAllBytes(tmp.File("a/1.jpg"), [1]);
        var ex = Assert.Throws<FormatException>(() => DataSpec.Open($"folder:{tmp.Path},colour=red"));
        Assert.Contains("'colour'", ex.Message);
    }
}
