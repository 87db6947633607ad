namespace OnnxOll.Serving.Tests;

/// <summary>Encoded 24-bit BMP images of one colour class with per-image noise, so a learner has something to separate.</summary>
public static class ColourImages
{
    public static readonly string[] Classes = ["red", "green", "blue", "yellow"];

    private static readonly byte[][] Colours = [[220, 30, 30], [30, 200, 40], [30, 40, 220], [230, 220, 30]];

    public static byte[] Bmp(int classIndex, int seed, int size = 32)
    {
        var random = new Random(seed);
        int stride = ((size * 3) + 3) / 4 * 4;
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write((byte)'B');
        writer.Write((byte)'M');
        writer.Write(54 + (stride * size));
        writer.Write(0);
        writer.Write(54);
        writer.Write(40);
        writer.Write(size);
        writer.Write(size);
        writer.Write((short)1);
        writer.Write((short)24);
        writer.Write(0);
        writer.Write(stride * size);
        writer.Write(2835);
        writer.Write(2835);
        writer.Write(0L);
        var row = new byte[stride];
        var colour = Colours[classIndex];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    row[(x * 3) + 2 - c] = (byte)Math.Clamp(colour[c] + random.Next(-30, 31), 0, 255);
                }
            }

            writer.Write(row);
        }

        writer.Flush();
        return stream.ToArray();
    }
}
