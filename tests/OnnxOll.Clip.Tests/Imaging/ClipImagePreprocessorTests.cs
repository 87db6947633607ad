using System.Security.Cryptography;
using OnnxOll.Clip.Imaging;
using OnnxOll.TestSupport.Images;
using StbImageWriteSharp;
using Xunit;

namespace OnnxOll.Clip.Tests.Imaging;

/// <summary>CLIP preprocessing against Pillow's resize, exact constant colours, centre crop, batch slots and input checks.</summary>
public sealed class ClipImagePreprocessorTests
{
    private static readonly float[] Mean = [0.48145466f, 0.4578275f, 0.40821073f];
    private static readonly float[] Std = [0.26862954f, 0.26130258f, 0.27577711f];

    private static float Normalised(int value, int channel) => ((value / 255f) - Mean[channel]) / Std[channel];

    // Inverts the normalisation to the byte value and checks the float is exactly that byte's normalised value.
    private static byte[] ToHwcBytes(ReadOnlySpan<float> chw, int size)
    {
        var bytes = new byte[3 * size * size];
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < size * size; i++)
            {
                float f = chw[(c * size * size) + i];
                int v = (int)Math.Round(((f * Std[c]) + Mean[c]) * 255f);
                Assert.Equal(Normalised(v, c), f);
                bytes[(i * 3) + c] = (byte)v;
            }
        }
        return bytes;
    }

    [Theory]
    [MemberData(nameof(PilReference.Cases), MemberType = typeof(PilReference))]
    public void ResizeAndCrop_MatchPillowExactly(int width, int height, int channels, int size, string base64, string sha256)
    {
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = size });
        var batch = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(TestImages.Pattern(width, height, channels), width, height, channels, batch, 0);

        var bytes = ToHwcBytes(batch, size);
        if (base64.Length > 0)
        {
            Assert.Equal(Convert.FromBase64String(base64), bytes);
        }
        Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    // Columns: width, height, image size (covers down-, up- and no scaling).
    [Theory]
    [InlineData(300, 200, 224)]
    [InlineData(32, 32, 224)]
    [InlineData(17, 40, 16)]
    [InlineData(16, 16, 16)]
    public void ConstantColour_MapsExactlyToNormalisedValue(int width, int height, int size)
    {
        byte[] colour = [200, 7, 128];
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = size });
        var batch = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(TestImages.Constant(width, height, colour[0], colour[1], colour[2]), width, height, 3, batch, 0);
        for (int c = 0; c < 3; c++)
        {
            float expected = ((colour[c] / 255f) - Mean[c]) / Std[c];
            Assert.All(batch.AsSpan(c * size * size, size * size).ToArray(), v => Assert.Equal(expected, v));
        }
    }

    [Fact]
    public void DecodedPng_GoesIntoTheRequestedBatchSlotOnly()
    {
        const int size = 24;
        var image = ImageDecoder.Decode(TestImages.Png(TestImages.Constant(50, 30, 10, 250, 90), 50, 30, ColorComponents.RedGreenBlue), "constant.png");
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = size });
        var batch = new float[3 * preprocessor.SampleLength];
        Array.Fill(batch, float.NaN);

        preprocessor.Preprocess(image, batch, 1);

        Assert.Equal(3 * size * size, preprocessor.SampleLength);
        Assert.All(batch[..preprocessor.SampleLength], v => Assert.True(float.IsNaN(v)));
        Assert.All(batch[(2 * preprocessor.SampleLength)..], v => Assert.True(float.IsNaN(v)));
        var slot = batch.AsSpan(preprocessor.SampleLength, preprocessor.SampleLength);
        Assert.Equal([Normalised(10, 0), Normalised(250, 1), Normalised(90, 2)], [slot[0], slot[size * size], slot[2 * size * size]]);
    }

    [Fact]
    public void RandomImage_StaysWithinTheNormalisedRange()
    {
        var random = new Random(1234);
        const int width = 97, height = 61, size = 32;
        var pixels = new byte[width * height * 3];
        random.NextBytes(pixels);
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = size });
        var batch = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(pixels, width, height, 3, batch, 0);
        for (int c = 0; c < 3; c++)
        {
            var plane = batch.AsSpan(c * size * size, size * size).ToArray();
            Assert.All(plane, v => Assert.InRange(v, Normalised(0, c), Normalised(255, c)));
            Assert.True(plane.Max() - plane.Min() > 1.0f, "a random image must keep some contrast");
        }
    }

    // Columns: long side, short side, image size, whether the image is wide (thirds left/centre/right) or tall (top/middle/bottom).
    [Theory]
    [InlineData(96, 32, 32, true)]
    [InlineData(300, 100, 32, true)]
    [InlineData(300, 100, 32, false)]
    [InlineData(150, 50, 40, false)]
    public void CentreCrop_KeepsTheMiddleThird(int longSide, int shortSide, int size, bool wide)
    {
        int width = wide ? longSide : shortSide, height = wide ? shortSide : longSide;
        byte[][] thirds = [[255, 0, 0], [0, 255, 0], [0, 0, 255]];
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var colour = thirds[3 * (wide ? x : y) / longSide];
                colour.CopyTo(pixels, ((y * width) + x) * 3);
            }
        }
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = size });
        var batch = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(pixels, width, height, 3, batch, 0);

        // Away from the borders (the bicubic support reaches 2 output pixels) the crop is pure green.
        for (int along = 3; along < size - 3; along++)
        {
            for (int across = 0; across < size; across++)
            {
                int o = wide ? (across * size) + along : (along * size) + across;
                Assert.Equal((Normalised(0, 0), Normalised(255, 1), Normalised(0, 2)), (batch[o], batch[(size * size) + o], batch[(2 * size * size) + o]));
            }
        }
    }

    // Columns: checkerboard squares per side, square side in pixels, image size.
    [Theory]
    [InlineData(4, 16, 32)]
    [InlineData(4, 6, 96)]
    [InlineData(8, 30, 120)]
    public void Checkerboard_KeepsSquareInteriorsExact(int squares, int square, int size)
    {
        int side = squares * square;
        var pixels = new byte[side * side];
        for (int y = 0; y < side; y++)
        {
            for (int x = 0; x < side; x++)
            {
                pixels[(y * side) + x] = (byte)(((x / square) + (y / square)) % 2 == 0 ? 230 : 20);
            }
        }
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = size });
        var batch = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(pixels, side, side, 1, batch, 0);

        int outSquare = size / squares;
        // The filter reaches 2 output pixels (downscaling) or 2 input pixels (upscaling) past a square's edge.
        int margin = Math.Max(2, (int)Math.Ceiling(2.0 * outSquare / square));
        Assert.True(outSquare > 2 * margin, "the test needs square interiors");
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                int u = x % outSquare, v = y % outSquare;
                if (u < margin || u >= outSquare - margin || v < margin || v >= outSquare - margin)
                {
                    continue;
                }
                int expected = ((x / outSquare) + (y / outSquare)) % 2 == 0 ? 230 : 20;
                for (int c = 0; c < 3; c++)
                {
                    Assert.Equal(Normalised(expected, c), batch[(c * size * size) + (y * size) + x]);
                }
            }
        }
    }

    [Fact]
    public void GreyAndRgbaInputs_EqualTheirRgbExpansion()
    {
        const int width = 23, height = 31, size = 16;
        var grey = TestImages.Pattern(width, height, 1);
        var rgba = TestImages.Pattern(width, height, 4);
        var greyAsRgb = new byte[width * height * 3];
        var rgbaAsRgb = new byte[width * height * 3];
        for (int i = 0; i < width * height; i++)
        {
            (greyAsRgb[3 * i], greyAsRgb[(3 * i) + 1], greyAsRgb[(3 * i) + 2]) = (grey[i], grey[i], grey[i]);
            (rgbaAsRgb[3 * i], rgbaAsRgb[(3 * i) + 1], rgbaAsRgb[(3 * i) + 2]) = (rgba[4 * i], rgba[(4 * i) + 1], rgba[(4 * i) + 2]);
        }
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = size });
        var batch = new float[4 * preprocessor.SampleLength];
        preprocessor.Preprocess(grey, width, height, 1, batch, 0);
        preprocessor.Preprocess(greyAsRgb, width, height, 3, batch, 1);
        preprocessor.Preprocess(rgba, width, height, 4, batch, 2);
        preprocessor.Preprocess(rgbaAsRgb, width, height, 3, batch, 3);
        int n = preprocessor.SampleLength;
        Assert.Equal(batch[n..(2 * n)], batch[..n]);
        Assert.Equal(batch[(3 * n)..], batch[(2 * n)..(3 * n)]);
    }

    [Fact]
    public void ReusedInstance_GivesTheSameResultAfterOtherSizes()
    {
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = 20 });
        var first = new float[preprocessor.SampleLength];
        var again = new float[preprocessor.SampleLength];
        var other = new float[preprocessor.SampleLength];
        preprocessor.Preprocess(TestImages.Pattern(45, 30), 45, 30, 3, first, 0);
        preprocessor.Preprocess(TestImages.Pattern(300, 500), 300, 500, 3, other, 0);
        preprocessor.Preprocess(TestImages.Pattern(8, 9), 8, 9, 3, other, 0);
        preprocessor.Preprocess(TestImages.Pattern(45, 30), 45, 30, 3, again, 0);
        Assert.Equal(first, again);
    }

    [Fact]
    public void WarmInstance_AllocatesNothingPerImage()
    {
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = 32 });
        var batch = new float[2 * preprocessor.SampleLength];
        var pixels = TestImages.Pattern(64, 48);
        preprocessor.Preprocess(pixels, 64, 48, 3, batch, 0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        preprocessor.Preprocess(pixels, 64, 48, 3, batch, 1);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BadArguments_AreRejectedNamingExpectedAndActual()
    {
        var preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = 8 });
        var batch = new float[2 * preprocessor.SampleLength];
        var pixels = TestImages.Pattern(4, 4);
        Assert.Contains("got 47", Assert.Throws<ArgumentException>(() => preprocessor.Preprocess(pixels[..47], 4, 4, 3, batch, 0)).Message);
        Assert.Contains("got 6", Assert.Throws<ArgumentOutOfRangeException>(() => preprocessor.Preprocess(pixels, 4, 2, 6, batch, 0)).Message);
        Assert.Contains("got index 2", Assert.Throws<ArgumentOutOfRangeException>(() => preprocessor.Preprocess(pixels, 4, 4, 3, batch, 2)).Message);
        Assert.Contains("multiple of 192", Assert.Throws<ArgumentOutOfRangeException>(() => preprocessor.Preprocess(pixels, 4, 4, 3, batch.AsSpan(1), 0)).Message);
        Assert.Throws<ArgumentException>(() => new ClipImagePreprocessor(new ClipImagePreprocessorOptions { Std = [1f, 0f, 1f] }));
    }
}
