namespace OnnxOll.Clip.Imaging;

/// <summary>A decoded 8-bit image as interleaved RGB rows (height x width x 3, row-major).</summary>
public sealed class RgbImage
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied); its length must be width * height * 3.</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size must be positive, got {width} x {height}.");
        }
        if (pixels.Length != (long)width * height * 3)
        {
            throw new ArgumentException($"pixels: expected {width} x {height} x 3 = {(long)width * height * 3} bytes, got {pixels.Length}.", nameof(pixels));
        }
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>RGB bytes, row after row.</summary>
    public byte[] Pixels { get; }
}
