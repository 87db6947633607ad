using StbImageSharp;

namespace OnnxOll.Clip.Imaging;

/// <summary>Decodes PNG, JPEG, BMP and GIF (first frame) to <see cref="RgbImage"/> with StbImageSharp; grey and alpha are converted to RGB.</summary>
public static class ImageDecoder
{
    /// <summary>Reads and decodes the image file at <paramref name="path"/>.</summary>
    public static RgbImage Decode(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Decodes encoded image bytes; <paramref name="sourceName"/> (a file or archive entry name) appears in errors.</summary>
    public static RgbImage Decode(byte[] data, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length == 0)
        {
            throw new InvalidDataException($"{sourceName}: image is empty (0 bytes); expected a PNG, JPEG, BMP or GIF file.");
        }
        // stb_image fills a cut-off JPEG with grey instead of failing, so a missing end-of-image marker is checked here.
        if (data.Length >= 2 && data[0] == 0xFF && data[1] == 0xD8 && data.AsSpan().LastIndexOf((ReadOnlySpan<byte>)[0xFF, 0xD9]) < 0)
        {
            throw new InvalidDataException($"{sourceName}: JPEG of {data.Length} bytes is truncated (no end-of-image marker FF D9).");
        }
        if (Truncation(data) is { } problem)
        {
            throw new InvalidDataException($"{sourceName}: {problem}");
        }

        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(data, ColorComponents.RedGreenBlue);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{sourceName}: cannot decode image of {data.Length} bytes as PNG, JPEG, BMP or GIF: {e.Message}", e);
        }
        if (result?.Data is null || result.Width <= 0 || result.Height <= 0 || result.Data.Length != result.Width * result.Height * 3)
        {
            throw new InvalidDataException($"{sourceName}: decoder returned no RGB pixels for {data.Length} bytes.");
        }
        return new RgbImage(result.Width, result.Height, result.Data);
    }

    /// <summary>stb_image pads a cut-off PNG or BMP instead of failing; their ends are checked here.</summary>
    private static string? Truncation(byte[] data)
    {
        ReadOnlySpan<byte> pngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        ReadOnlySpan<byte> pngEnd = [0, 0, 0, 0, (byte)'I', (byte)'E', (byte)'N', (byte)'D', 0xAE, 0x42, 0x60, 0x82];
        if (data.AsSpan().StartsWith(pngSignature))
        {
            return data.AsSpan().IndexOf(pngEnd) < 0 ? $"PNG of {data.Length} bytes is truncated (no IEND chunk)." : null;
        }

        bool bmp = data.Length >= 2 && data[0] == 'B' && data[1] == 'M';
        if (bmp && (data.Length < 18 || data.Length < 14 + BitConverter.ToUInt32(data, 14)))
        {
            return $"BMP of {data.Length} bytes is truncated (within its headers).";
        }

        if (bmp && data.Length >= 54 && BitConverter.ToUInt32(data, 30) == 0)
        {
            long offset = BitConverter.ToUInt32(data, 10);
            long width = Math.Abs((long)BitConverter.ToInt32(data, 18));
            long height = Math.Abs((long)BitConverter.ToInt32(data, 22));
            int bits = BitConverter.ToUInt16(data, 28);
            long end = offset + ((((width * bits) + 31) / 32) * 4 * height);
            return end > data.Length ? $"BMP of {data.Length} bytes is truncated (its {width}x{height} {bits}-bit pixels end at byte {end})." : null;
        }

        return null;
    }
}
