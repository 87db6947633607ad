using StbImageWriteSharp;

namespace OnnxOll.TestSupport.Images;

/// <summary>Synthetic test images and their PNG and JPEG encodings (StbImageWriteSharp).</summary>
public static class TestImages
{
    /// <summary>Deterministic pattern, the same formula as pil_reference.py: (37x + 91y + 53c + 7xy) mod 256.</summary>
    public static byte[] Pattern(int width, int height, int channels = 3)
    {
        var pixels = new byte[width * height * channels];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < channels; c++)
                {
                    pixels[(((y * width) + x) * channels) + c] = (byte)(((37 * x) + (91 * y) + (53 * c) + (7 * x * y)) % 256);
                }
            }
        }
        return pixels;
    }

    public static byte[] Constant(int width, int height, byte r, byte g, byte b)
    {
        var pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.Length; i += 3)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (r, g, b);
        }
        return pixels;
    }

    public static byte[] Png(byte[] pixels, int width, int height, ColorComponents components)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WritePng(pixels, width, height, components, stream);
        return stream.ToArray();
    }

    public static byte[] Jpeg(byte[] pixels, int width, int height, ColorComponents components, int quality = 95)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WriteJpg(pixels, width, height, components, stream, quality);
        return stream.ToArray();
    }
}
