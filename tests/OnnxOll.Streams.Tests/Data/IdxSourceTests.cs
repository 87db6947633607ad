using OnnxOll.Streams.Data;
using OnnxOll.TestSupport;

namespace OnnxOll.Streams.Tests.Data;

public class IdxSourceTests
{
    [Fact]
    public void ReadsImagesAndNamedLabels()
    {
        using var tmp = new TempDirectory();
        // Three 2x3 images whose pixels are 10*i + p.
        var pixels = Enumerable.Range(0, 3).SelectMany(i => Enumerable.Range(0, 6).Select(p => (byte)((10 * i) + p))).ToArray();
        IdxFiles.Write(tmp.File("img"), pixels, 3, 2, 3);
        IdxFiles.Write(tmp.File("lbl"), [2, 0, 1], 3);
        File.WriteAllLines(tmp.File("names.txt"), ["zero", "one", "two", ""]);

        using var source = new IdxSource(tmp.File("img"), tmp.File("lbl"), tmp.File("names.txt"));
        Assert.Equal(["two", "zero", "one"], source.Labels);
        var image = source.Read(1).Pixels!;
        Assert.Equal((3, 2, 1), (image.Width, image.Height, image.Channels));
        Assert.Equal(new byte[] { 10, 11, 12, 13, 14, 15 }, image.Pixels);
        Assert.EndsWith("img#1", source.Read(1).SourceName);
    }

    [Fact]
    public void WithoutNames_TheLabelValueIsTheName()
    {
        using var tmp = new TempDirectory();
        IdxFiles.Write(tmp.File("img"), new byte[8], 2, 2, 2);
        IdxFiles.Write(tmp.File("lbl"), [7, 3], 2);
        using var source = new IdxSource(tmp.File("img"), tmp.File("lbl"));
        Assert.Equal(["7", "3"], source.Labels);
    }

    // Columns: which file is broken, text the message must contain.
    [Theory]
    [InlineData("magic", "field magic")]
    [InlineData("count", "field count is 2")]
    [InlineData("label", "label 1 is 5")]
    [InlineData("short", "header needs")]
    public void BadInput_NamesFileAndField(string broken, string expected)
    {
        using var tmp = new TempDirectory();
        string img = tmp.File("img"), lbl = tmp.File("lbl"), names = tmp.File("names");
        File.WriteAllLines(names, ["a", "b"]);
        IdxFiles.Write(img, broken == "short" ? new byte[5] : new byte[8], 2, 2, 2);
        IdxFiles.Write(lbl, broken switch { "count" => [0, 1, 1], "label" => [0, 5], _ => [0, 1] }, broken == "count" ? 3 : 2);
        if (broken == "magic")
        {
            IdxFiles.Write(img, new byte[8], 8);
            using var stream = File.OpenWrite(img);
            stream.Write([0, 0, 0x0D, 3]);
        }

        var ex = Assert.ThrowsAny<Exception>(() => new IdxSource(img, lbl, names));
        Assert.Contains(expected, ex.Message);
        Assert.Contains(tmp.Path, ex.Message);
    }
}
