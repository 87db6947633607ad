using System.Formats.Tar;
using OnnxOll.Streams.Data;
using OnnxOll.TestSupport;

namespace OnnxOll.Streams.Tests.Data;

/// <summary>Every tar read verifies its header checksums and its end: a damaged or cut tar is refused naming the file, never read in part.</summary>
public class TarIntegrityTests
{
    private static readonly Dictionary<string, byte[]> Files = new()
    {
        ["train/cat/a.jpg"] = [1, 2, 3],
        ["train/dog/b.jpg"] = [.. Enumerable.Repeat((byte)7, 700)],
        ["test/cat/c.jpg"] = [4],
    };

    [Theory]
    [InlineData(TarEntryFormat.Ustar)]
    [InlineData(TarEntryFormat.Gnu)]
    [InlineData(TarEntryFormat.Pax)]
    public void EveryHeaderByteIsCovered(TarEntryFormat format)
    {
        using var tmp = new TempDirectory();
        string good = TarImageSourceTests.WriteTar(tmp.File("good.tar"), format, Files);
        var bytes = File.ReadAllBytes(good);
        using (TarImageSource.Open(good))
        {
        }

        // Flip one bit in every byte of the first header; the checksum field itself included.
        for (int i = 0; i < 512; i++)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x04;
            string bad = tmp.File($"flip-{i}.tar");
            File.WriteAllBytes(bad, copy);
            var e = Assert.Throws<InvalidDataException>(() => TarImageSource.Open(bad));
            Assert.Contains(bad, e.Message);
        }
    }

    [Fact]
    public void TruncationAnywhereIsRefused()
    {
        using var tmp = new TempDirectory();
        var bytes = File.ReadAllBytes(TarImageSourceTests.WriteTar(tmp.File("good.tar"), TarEntryFormat.Pax, Files));
        int end = Array.FindLastIndex(bytes, b => b != 0) + 1;
        for (int length = 0; length <= end + 511; length += 97)
        {
            string cut = tmp.File($"cut-{length}.tar");
            File.WriteAllBytes(cut, bytes[..length]);
            var e = Assert.Throws<InvalidDataException>(() => TarImageSource.Open(cut));
            Assert.Contains(cut, e.Message);
            Assert.Contains("truncated", e.Message);
        }
    }
}
