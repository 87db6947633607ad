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
}
