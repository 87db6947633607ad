using OnnxOll.Clip.Imaging;
using OnnxOll.Streams.Data;

namespace OnnxOll.Pretraining;

/// <summary>The images of some classes of a source, decoded once into memory as 8-bit pixels (small-image datasets fit easily:
/// CIFAR's 25,000 images of 50 classes take 77 MB).</summary>
public sealed class DecodedImageSet
{
    private DecodedImageSet(IReadOnlyList<string> classes, int[] labels, RawImage[] images, int skipped)
    {
        Classes = classes;
        Labels = labels;
        Images = images;
        Skipped = skipped;
    }

    /// <summary>The class names; <see cref="Labels"/> index into it.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Each image's class index.</summary>
    public int[] Labels { get; }

    /// <summary>The decoded images (HWC bytes).</summary>
    public RawImage[] Images { get; }

    /// <summary>Images that could not be decoded and were left out.</summary>
    public int Skipped { get; }

    /// <summary>Number of images.</summary>
    public int Count => Images.Length;

    /// <summary>Reads and decodes the samples of <paramref name="classes"/> (at most <paramref name="maxPerClass"/> each, 0: all, in source order).</summary>
    public static DecodedImageSet Load(ILabelledSampleSource source, IReadOnlyList<string> classes, int maxPerClass, CancellationToken cancel = default)
    {
        var classIndex = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var counts = new int[classes.Count];
        var picked = new List<(int Label, LabelledSample Sample)>();
        for (int i = 0; i < source.Labels.Count; i++)
        {
            if (classIndex.TryGetValue(source.Labels[i], out int label) && (maxPerClass == 0 || counts[label] < maxPerClass))
            {
                counts[label]++;
                picked.Add((label, source.Read(i)));
                cancel.ThrowIfCancellationRequested();
            }
        }

        var images = new RawImage?[picked.Count];
        Parallel.For(0, picked.Count, new ParallelOptions { CancellationToken = cancel }, i => images[i] = Decode(picked[i].Sample));
        var kept = Enumerable.Range(0, picked.Count).Where(i => images[i] is not null).ToArray();
        return new DecodedImageSet(classes, [.. kept.Select(i => picked[i].Label)], [.. kept.Select(i => images[i]!)], picked.Count - kept.Length);
    }

    private static RawImage? Decode(LabelledSample sample)
    {
        if (sample.Pixels is { } raw)
        {
            return raw;
        }

        try
        {
            var image = ImageDecoder.Decode(sample.EncodedBytes!, sample.SourceName);
            return new RawImage(image.Pixels, image.Width, image.Height, 3);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
