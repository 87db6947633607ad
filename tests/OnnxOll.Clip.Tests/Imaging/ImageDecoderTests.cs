using OnnxOll.Clip.Imaging;
using OnnxOll.TestSupport;
using OnnxOll.TestSupport.Images;
using StbImageWriteSharp;
using Xunit;

namespace OnnxOll.Clip.Tests.Imaging;

/// <summary>Decoding of files the tests write, channel conversion to RGB, and one clear error per kind of bad input.</summary>
public sealed class ImageDecoderTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    // Columns: stored channels, expected RGB of the pixel whose stored bytes start at 1, 2, 3, 4.
    [Theory]
    [InlineData(ColorComponents.Grey, new byte[] { 1, 1, 1 })]
    [InlineData(ColorComponents.GreyAlpha, new byte[] { 1, 1, 1 })]
    [InlineData(ColorComponents.RedGreenBlue, new byte[] { 1, 2, 3 })]
    [InlineData(ColorComponents.RedGreenBlueAlpha, new byte[] { 1, 2, 3 })]
    public void Png_AnyChannelLayout_DecodesToRgb(ColorComponents components, byte[] firstPixel)
    {
        const int width = 5, height = 3;
        int channels = (int)components;
        var stored = TestImages.Pattern(width, height, channels);
        stored[0] = 1;
        if (channels > 1)
        {
            (stored[1], stored[2]) = (2, 3);
        }
        if (channels == 4)
        {
            stored[3] = 4;
        }
        string path = folder.File("image.png");
        File.WriteAllBytes(path, TestImages.Png(stored, width, height, components));

        var image = ImageDecoder.Decode(path);

        Assert.Equal((width, height, width * height * 3), (image.Width, image.Height, image.Pixels.Length));
        Assert.Equal(firstPixel, image.Pixels[..3]);
        for (int i = 0; i < width * height; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                int source = channels < 3 ? i * channels : (i * channels) + c;
                Assert.Equal(stored[source], image.Pixels[(i * 3) + c]);
            }
        }
    }

    [Fact]
    public void Bmp_DecodesExactly()
    {
        var pixels = TestImages.Pattern(7, 4);
        var image = ImageDecoder.Decode(Bitmap.Encode(pixels, 7, 4), "image.bmp");
        Assert.Equal((7, 4), (image.Width, image.Height));
        Assert.Equal(pixels, image.Pixels);
    }

    [Fact]
    public void Jpeg_DecodesCloseToTheColour()
    {
        string path = folder.File("image.jpg");
        File.WriteAllBytes(path, TestImages.Jpeg(TestImages.Constant(16, 8, 200, 40, 90), 16, 8, ColorComponents.RedGreenBlue));
        var image = ImageDecoder.Decode(path);
        Assert.Equal((16, 8), (image.Width, image.Height));
        for (int i = 0; i < image.Pixels.Length; i += 3)
        {
            Assert.InRange(image.Pixels[i], 196, 204);
            Assert.InRange(image.Pixels[i + 1], 36, 44);
            Assert.InRange(image.Pixels[i + 2], 86, 94);
        }
    }

    [Fact]
    public void Jpeg_WithDataAfterTheEndMarker_StillDecodes()
    {
        byte[] jpeg = [.. TestImages.Jpeg(TestImages.Constant(8, 8, 0, 0, 0), 8, 8, ColorComponents.RedGreenBlue), 0, 1, 2];
        Assert.Equal(8, ImageDecoder.Decode(jpeg, "trailing.jpg").Width);
    }

    [Fact]
    public void Gif_DecodesFirstFrame()
    {
        // 1x1 GIF89a, global palette [red, blue], two frames: palette index 0, then index 1 (LZW, minimum code size 2).
        byte[] gif =
        [
            .. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0xFF, 0, 0, 0, 0, 0xFF,
            0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0,
            0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0,
            0x3B,
        ];
        var image = ImageDecoder.Decode(gif, "two-frames.gif");
        Assert.Equal((1, 1), (image.Width, image.Height));
        Assert.Equal(new byte[] { 255, 0, 0 }, image.Pixels);
    }

    public static TheoryData<string, byte[]> BadFiles => new()
    {
        // Columns: file name, contents that must not decode.
        { "empty.png", [] },
        { "noise.png", [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7 % 251))] },
        { "text.jpg", "this is not an image"u8.ToArray() },
        { "truncated.png", TestImages.Png(TestImages.Pattern(64, 64), 64, 64, ColorComponents.RedGreenBlue)[..100] },
        { "truncated.jpg", TestImages.Jpeg(TestImages.Pattern(64, 64), 64, 64, ColorComponents.RedGreenBlue)[..300] },
        { "truncated-end.png", TestImages.Png(TestImages.Pattern(64, 64), 64, 64, ColorComponents.RedGreenBlue)[..^1] },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFile_GivesOneClearErrorNamingTheFile(string name, byte[] contents)
    {
        string path = folder.File(name);
        File.WriteAllBytes(path, contents);
        var error = Assert.Throws<InvalidDataException>(() => ImageDecoder.Decode(path));
        Assert.Contains(path, error.Message);
        Assert.Contains(contents.Length == 0 ? "empty" : name.StartsWith("truncated", StringComparison.Ordinal) ? "truncated" : "cannot decode", error.Message);
    }
}
