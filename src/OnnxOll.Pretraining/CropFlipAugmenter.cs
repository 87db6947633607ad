namespace OnnxOll.Pretraining;

/// <summary>Small-image augmentation: random crop of the original size from the image zero-padded by <c>pad</c> pixels, then a
/// horizontal flip with probability ½ (torchvision's RandomCrop(padding) + RandomHorizontalFlip).</summary>
public sealed class CropFlipAugmenter(int pad, bool flip)
{
    /// <summary>Writes the augmented copy of an HWC image into <paramref name="destination"/> (same size), drawing from <paramref name="rng"/>.</summary>
    public void Apply(ReadOnlySpan<byte> source, int width, int height, int channels, Span<byte> destination, Random rng)
    {
        int dx = pad > 0 ? rng.Next((2 * pad) + 1) - pad : 0;
        int dy = pad > 0 ? rng.Next((2 * pad) + 1) - pad : 0;
        bool mirror = flip && rng.Next(2) == 1;
        for (int y = 0; y < height; y++)
        {
            int sy = y + dy;
            for (int x = 0; x < width; x++)
            {
                int sx = (mirror ? width - 1 - x : x) + dx;
                var target = destination.Slice(((y * width) + x) * channels, channels);
                if (sy < 0 || sy >= height || sx < 0 || sx >= width)
                {
                    target.Clear();
                }
                else
                {
                    source.Slice(((sy * width) + sx) * channels, channels).CopyTo(target);
                }
            }
        }
    }
}
