using OnnxOll.Streams.Data;
using OnnxOll.TestSupport;

namespace OnnxOll.Streams.Tests.Data;

public class ImageFolderSourceTests
{
    [Fact]
    public void IndexesClassFolders_Sorted_NestedFilesIncluded_NonImagesIgnored()
    {
        using var tmp = new TempDirectory();
        File.WriteAllBytes(tmp.File("zebra/2.jpg"), [2]);
        File.WriteAllBytes(tmp.File("zebra/1.jpg"), [1]);
        File.WriteAllBytes(tmp.File("ant/images/x.JPEG"), [3, 3]);
        File.WriteAllText(tmp.File("ant/ant_boxes.txt"), "not an image");
        File.WriteAllBytes(tmp.File("loose.jpg"), [9]);

        using var source = new ImageFolderSource(tmp.Path);
        Assert.Equal(["ant", "zebra", "zebra"], source.Labels);
        Assert.Equal([3, 3], source.Read(0).EncodedBytes!);
        Assert.Equal([1], source.Read(1).EncodedBytes!);
        Assert.EndsWith(Path.Combine("zebra", "2.jpg"), source.Read(2).SourceName);
    }

    [Fact]
    public void MissingOrEmptyFolder_Throws_NamingTheFolder()
    {
        using var tmp = new TempDirectory();
        Assert.Contains("nope", Assert.Throws<DirectoryNotFoundException>(() => new ImageFolderSource(Path.Combine(tmp.Path, "nope"))).Message);
        Directory.CreateDirectory(tmp.File("cls/sub"));
        Assert.Contains(tmp.Path, Assert.Throws<InvalidDataException>(() => new ImageFolderSource(tmp.Path)).Message);
    }
}
