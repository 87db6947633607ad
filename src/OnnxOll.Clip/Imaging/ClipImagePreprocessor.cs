namespace OnnxOll.Clip.Imaging;

/// <summary>CLIP image preprocessing: shortest side to the image size (Pillow bicubic with antialiasing), centre crop, scale to [0, 1], normalise, CHW.</summary>
/// <remarks>Matches torchvision's Resize(size, BICUBIC) + CenterCrop(size) on PIL images. An instance reuses its scratch buffers and is single-threaded.</remarks>
public sealed class ClipImagePreprocessor
{
    private readonly BicubicCoefficients columns = new();
    private readonly BicubicCoefficients rows = new();
    private readonly float[] normalised;
    private readonly int resize;
    private byte[] stretched = [];

    /// <summary>Creates a preprocessor; the options are validated and copied.</summary>
    public ClipImagePreprocessor(ClipImagePreprocessorOptions? options = null)
    {
        options ??= new ClipImagePreprocessorOptions();
        if (options.ImageSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"ImageSize must be positive, got {options.ImageSize}.");
        }
        if (options.Mean.Count != 3 || options.Std.Count != 3 || options.Std.Any(s => !(s > 0)))
        {
            throw new ArgumentException($"Mean and Std: expected 3 values each with Std > 0, got Mean [{string.Join(", ", options.Mean)}], Std [{string.Join(", ", options.Std)}].", nameof(options));
        }
        if (options.ResizeShortestEdge is { } edge && edge < options.ImageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"ResizeShortestEdge {edge} is smaller than the crop ImageSize {options.ImageSize}.");
        }
        ImageSize = options.ImageSize;
        resize = options.ResizeShortestEdge ?? options.ImageSize;
        normalised = new float[3 * 256];
        for (int c = 0; c < 3; c++)
        {
            for (int v = 0; v < 256; v++)
            {
                normalised[(c * 256) + v] = ((v / 255f) - options.Mean[c]) / options.Std[c];
            }
        }
    }

    /// <summary>Side of the square output.</summary>
    public int ImageSize { get; }

    /// <summary>Floats per image in the batch: 3 * <see cref="ImageSize"/>².</summary>
    public int SampleLength => 3 * ImageSize * ImageSize;

    /// <summary>Preprocesses a decoded image into slot <paramref name="batchIndex"/> of an NCHW batch.</summary>
    public void Preprocess(RgbImage image, Span<float> batch, int batchIndex)
    {
        ArgumentNullException.ThrowIfNull(image);
        Preprocess(image.Pixels, image.Width, image.Height, 3, batch, batchIndex);
    }

    /// <summary>Preprocesses raw 8-bit HWC pixels (1 channel grey, 3 RGB or 4 RGBA with alpha ignored) into slot <paramref name="batchIndex"/> of an NCHW batch.</summary>
    public void Preprocess(ReadOnlySpan<byte> pixels, int width, int height, int channels, Span<float> batch, int batchIndex)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Image size must be positive, got {width} x {height}.");
        }
        if (channels is not (1 or 3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), $"channels: expected 1, 3 or 4, got {channels}.");
        }
        if (pixels.Length != (long)width * height * channels)
        {
            throw new ArgumentException($"pixels: expected {width} x {height} x {channels} = {(long)width * height * channels} bytes, got {pixels.Length}.", nameof(pixels));
        }
        int sample = SampleLength;
        if (batch.Length % sample != 0 || batchIndex < 0 || batchIndex >= batch.Length / sample)
        {
            throw new ArgumentOutOfRangeException(nameof(batchIndex), $"batch of {batch.Length} floats holds {batch.Length / sample} images of 3 x {ImageSize} x {ImageSize} (length must be a multiple of {sample}); got index {batchIndex}.");
        }

        int size = ImageSize;
        var (resizedWidth, resizedHeight) = ResizedSize(width, height);
        // torchvision's CenterCrop: int(round((resized - size) / 2)) with Python's half-to-even rounding.
        int left = (int)Math.Round((resizedWidth - size) / 2.0, MidpointRounding.ToEven);
        int top = (int)Math.Round((resizedHeight - size) / 2.0, MidpointRounding.ToEven);
        columns.Compute(width, resizedWidth, left, size);
        rows.Compute(height, resizedHeight, top, size);

        int firstRow = rows.Starts[0];
        int lastRow = rows.Starts[size - 1] + rows.Lengths[size - 1];
        StretchRows(pixels, width, channels, firstRow, lastRow);
        StretchColumnsAndNormalise(firstRow, batch.Slice(batchIndex * sample, sample));
    }

    /// <summary>Size after scaling the shortest side to the resize length (torchvision: long = int(size * long / short)).</summary>
    private (int Width, int Height) ResizedSize(int width, int height) =>
        width <= height
            ? (resize, (int)((double)resize * height / width))
            : ((int)((double)resize * width / height), resize);

    // Horizontal pass over the input rows the vertical pass needs, into stretched [rows, size, 3] as bytes (Pillow's intermediate).
    private void StretchRows(ReadOnlySpan<byte> pixels, int width, int channels, int firstRow, int lastRow)
    {
        int size = ImageSize;
        int needed = (lastRow - firstRow) * size * 3;
        if (stretched.Length < needed)
        {
            stretched = new byte[needed];
        }
        int k = columns.KernelSize;
        int g = channels == 1 ? 0 : 1;
        int half = 1 << (BicubicCoefficients.PrecisionBits - 1);
        for (int y = firstRow; y < lastRow; y++)
        {
            var row = pixels.Slice(y * width * channels, width * channels);
            int output = (y - firstRow) * size * 3;
            for (int x = 0; x < size; x++)
            {
                int start = columns.Starts[x];
                int length = columns.Lengths[x];
                var weights = columns.Weights.AsSpan(x * k, length);
                int r = half, gr = half, b = half;
                int at = start * channels;
                for (int t = 0; t < length; t++, at += channels)
                {
                    int w = weights[t];
                    r += row[at] * w;
                    gr += row[at + g] * w;
                    b += row[at + (2 * g)] * w;
                }
                stretched[output++] = BicubicCoefficients.Clip(r);
                stretched[output++] = BicubicCoefficients.Clip(gr);
                stretched[output++] = BicubicCoefficients.Clip(b);
            }
        }
    }

    // Vertical pass from stretched, then byte -> (v / 255 - mean) / std into the CHW slot.
    private void StretchColumnsAndNormalise(int firstRow, Span<float> slot)
    {
        int size = ImageSize;
        int plane = size * size;
        int k = rows.KernelSize;
        int stride = size * 3;
        int half = 1 << (BicubicCoefficients.PrecisionBits - 1);
        for (int y = 0; y < size; y++)
        {
            int start = rows.Starts[y] - firstRow;
            int length = rows.Lengths[y];
            var weights = rows.Weights.AsSpan(y * k, length);
            for (int x = 0; x < size; x++)
            {
                int r = half, g = half, b = half;
                int at = (start * stride) + (x * 3);
                for (int t = 0; t < length; t++, at += stride)
                {
                    int w = weights[t];
                    r += stretched[at] * w;
                    g += stretched[at + 1] * w;
                    b += stretched[at + 2] * w;
                }
                int o = (y * size) + x;
                slot[o] = normalised[BicubicCoefficients.Clip(r)];
                slot[plane + o] = normalised[256 + BicubicCoefficients.Clip(g)];
                slot[(2 * plane) + o] = normalised[512 + BicubicCoefficients.Clip(b)];
            }
        }
    }
}
