namespace OnnxOll.TestSupport.Images;

/// <summary>Encodes 24-bit uncompressed BMP images (bottom-up rows, padded to 4 bytes) from top-down RGB pixels.</summary>
public static class Bitmap
{
    /// <summary>Writes a <paramref name="width"/> × <paramref name="height"/> image of random colours.</summary>
    public static void WriteRandom(string path, int width, int height, int seed) => File.WriteAllBytes(path, Random(width, height, seed));

    /// <summary>Encodes a <paramref name="width"/> × <paramref name="height"/> image of random colours (<see cref="System.Random.NextBytes(byte[])"/> of <paramref name="seed"/>).</summary>
    public static byte[] Random(int width, int height, int seed)
    {
        var rgb = new byte[width * height * 3];
        new System.Random(seed).NextBytes(rgb);
        return Encode(rgb, width, height);
    }

    public static void Write(string path, byte[] rgb, int width, int height) => File.WriteAllBytes(path, Encode(rgb, width, height));

    public static byte[] Encode(byte[] rgb, int width, int height)
    {
        int stride = ((width * 3) + 3) / 4 * 4;
        int imageSize = stride * height;
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write((byte)'B');
        writer.Write((byte)'M');
        writer.Write(54 + imageSize);
        writer.Write(0);
        writer.Write(54);
        writer.Write(40);
        writer.Write(width);
        writer.Write(height);
        writer.Write((short)1);
        writer.Write((short)24);
        writer.Write(0);
        writer.Write(imageSize);
        writer.Write(2835);
        writer.Write(2835);
        writer.Write(0);
        writer.Write(0);
        var row = new byte[stride];
        for (int y = height - 1; y >= 0; y--)
        {
            for (int x = 0; x < width; x++)
            {
                int i = ((y * width) + x) * 3;
                row[(x * 3) + 0] = rgb[i + 2];
                row[(x * 3) + 1] = rgb[i + 1];
                row[(x * 3) + 2] = rgb[i + 0];
            }

            writer.Write(row);
        }

        writer.Flush();
        return stream.ToArray();
    }
}
