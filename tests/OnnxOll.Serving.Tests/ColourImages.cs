using OnnxOll.TestSupport.Images;

namespace OnnxOll.Serving.Tests;

/// <summary>Encoded 24-bit BMP images of one colour class with per-image noise, so a learner has something to separate.</summary>
public static class ColourImages
{
    public static readonly string[] Classes = ["red", "green", "blue", "yellow"];

    private static readonly byte[][] Colours = [[220, 30, 30], [30, 200, 40], [30, 40, 220], [230, 220, 30]];

    /// <summary>The noise is drawn bottom row first, as the file stores the rows.</summary>
    public static byte[] Bmp(int classIndex, int seed, int size = 32)
    {
        var random = new Random(seed);
        var colour = Colours[classIndex];
        var rgb = new byte[size * size * 3];
        for (int y = size - 1; y >= 0; y--)
        {
            for (int x = 0; x < size; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    rgb[(((y * size) + x) * 3) + c] = (byte)Math.Clamp(colour[c] + random.Next(-30, 31), 0, 255);
                }
            }
        }

        return Bitmap.Encode(rgb, size, size);
    }
}
