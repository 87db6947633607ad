using OnnxOll.Streams.Data;
using OnnxOll.TestSupport;

namespace OnnxOll.Streams.Tests.Data;

public class DataWarningsTests
{
    [Fact]
    public void OneClassSplitNameAndNoTestSplitAreEachNamed()
    {
        using var tmp = new TempDirectory();
        string tar = TarImageSourceTests.WriteTar(tmp.File("one.tar"), System.Formats.Tar.TarEntryFormat.Pax, new() { ["test/a.jpg"] = [1], ["test/b.jpg"] = [2] });
        using var data = new DataSplits(TarImageSource.Open(tar), null);
        var warnings = DataWarnings.Check(data, "tar:one.tar");
        Assert.Equal(3, warnings.Count);
        Assert.Contains("one class ('test')", warnings[0], StringComparison.Ordinal);
        Assert.Contains("class 'test' has a split folder's name", warnings[1], StringComparison.Ordinal);
        Assert.Contains("no test split", warnings[2], StringComparison.Ordinal);
    }

    [Fact]
    public void SensibleDataHasNoWarning()
    {
        using var tmp = new TempDirectory();
        string tar = TarImageSourceTests.WriteTar(tmp.File("ok.tar"), System.Formats.Tar.TarEntryFormat.Pax,
            new() { ["train/cat/a.jpg"] = [1], ["train/dog/b.jpg"] = [2], ["test/cat/c.jpg"] = [3] });
        using var data = new DataSplits(TarImageSource.Open(tar, "train"), TarImageSource.Open(tar, "test"));
        Assert.Empty(DataWarnings.Check(data, "tar:ok.tar"));
    }

    [Fact]
    public void AClassNamedLikeASplitThatTheTestSplitAlsoHoldsIsARealClass()
    {
        // CIFAR-100 has a class called 'train': train/train/… and test/train/….
        using var tmp = new TempDirectory();
        string tar = TarImageSourceTests.WriteTar(tmp.File("cifar.tar"), System.Formats.Tar.TarEntryFormat.Pax,
            new() { ["train/train/a.jpg"] = [1], ["train/bus/b.jpg"] = [2], ["test/train/c.jpg"] = [3], ["test/bus/d.jpg"] = [4] });
        using var data = new DataSplits(TarImageSource.Open(tar, "train"), TarImageSource.Open(tar, "test"));
        Assert.Equal(["bus", "train"], data.Train.Labels.Distinct().Order(StringComparer.Ordinal));
        Assert.Empty(DataWarnings.Check(data, "tar:cifar.tar"));
    }
}
