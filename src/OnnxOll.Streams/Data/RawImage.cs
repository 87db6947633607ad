namespace OnnxOll.Streams.Data;

/// <summary>Raw pixels: uint8, height × width × channels (HWC, row-major).</summary>
public sealed class RawImage
{
    /// <summary>Wraps pixels; the buffer length must equal width × height × channels.</summary>
    public RawImage(byte[] pixels, int width, int height, int channels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (pixels.Length != (long)width * height * channels)
        {
            throw new ArgumentException(
                $"Raw image of {width}x{height}x{channels} needs {(long)width * height * channels} bytes, got {pixels.Length}.",
                nameof(pixels));
        }

        Pixels = pixels;
        Width = width;
        Height = height;
        Channels = channels;
    }

    /// <summary>The pixel bytes in HWC order.</summary>
    public byte[] Pixels { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Channels per pixel (1 grey, 3 RGB).</summary>
    public int Channels { get; }
}
