namespace OnnxOll.Clip.Imaging;

/// <summary>Fixed-point bicubic (a = -0.5) resampling taps along one axis, computed as Pillow's ImagingResample does for 8-bit images.</summary>
/// <remarks>When downscaling, the filter support is stretched by the scale (antialiasing). Only a window of output positions is kept.</remarks>
internal sealed class BicubicCoefficients
{
    /// <summary>Fixed-point fraction bits of the taps (Pillow: 32 - 8 - 2).</summary>
    public const int PrecisionBits = 22;

    private const double Support = 2.0;
    private int inSize = -1;
    private int outSize = -1;
    private int first = -1;
    private int count = -1;

    /// <summary>Taps per output position (the row stride of <see cref="Weights"/>).</summary>
    public int KernelSize { get; private set; }

    /// <summary>First input index of each kept output position.</summary>
    public int[] Starts { get; private set; } = [];

    /// <summary>Number of taps of each kept output position.</summary>
    public int[] Lengths { get; private set; } = [];

    /// <summary>Fixed-point taps, <see cref="KernelSize"/> per kept output position.</summary>
    public int[] Weights { get; private set; } = [];

    /// <summary>Computes taps for output positions [first, first + count) of a resize from inSize to outSize; reuses buffers and skips work when unchanged.</summary>
    public void Compute(int inSize, int outSize, int first, int count)
    {
        if (inSize == this.inSize && outSize == this.outSize && first == this.first && count == this.count)
        {
            return;
        }
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = Support * filterScale;
        KernelSize = inSize == outSize ? 1 : ((int)Math.Ceiling(support) * 2) + 1;
        if (Starts.Length < count)
        {
            Starts = new int[count];
            Lengths = new int[count];
        }
        if (Weights.Length < count * KernelSize)
        {
            Weights = new int[count * KernelSize];
        }
        Span<double> taps = stackalloc double[KernelSize];
        for (int i = 0; i < count; i++)
        {
            var weights = Weights.AsSpan(i * KernelSize, KernelSize);
            weights.Clear();
            if (inSize == outSize)
            {
                Starts[i] = first + i;
                Lengths[i] = 1;
                weights[0] = 1 << PrecisionBits;
                continue;
            }
            double center = (first + i + 0.5) * scale;
            int start = Math.Max((int)(center - support + 0.5), 0);
            int end = Math.Min((int)(center + support + 0.5), inSize);
            double sum = 0;
            for (int x = start; x < end; x++)
            {
                taps[x - start] = Filter((x - center + 0.5) / filterScale);
                sum += taps[x - start];
            }
            for (int x = 0; x < end - start; x++)
            {
                double w = sum != 0 ? taps[x] / sum : taps[x];
                // Pillow rounds half away from zero when converting taps to fixed point.
                weights[x] = (int)(w < 0 ? -0.5 + (w * (1 << PrecisionBits)) : 0.5 + (w * (1 << PrecisionBits)));
            }
            Starts[i] = start;
            Lengths[i] = end - start;
        }
        (this.inSize, this.outSize, this.first, this.count) = (inSize, outSize, first, count);
    }

    /// <summary>Rounds a fixed-point sum (already offset by half a unit) to a byte, clamping to [0, 255].</summary>
    public static byte Clip(int sum) => sum >= 255 << PrecisionBits ? (byte)255 : sum <= 0 ? (byte)0 : (byte)(sum >> PrecisionBits);

    // Keys' cubic convolution kernel with a = -0.5 (Pillow's BICUBIC).
    private static double Filter(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0)
        {
            return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
        }
        if (x < 2.0)
        {
            return ((((x - 5) * x) + 8) * x - 4) * a;
        }
        return 0.0;
    }
}
