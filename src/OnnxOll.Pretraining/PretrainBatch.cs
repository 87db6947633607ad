using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Text;
using OnnxOll.Streams.Scenarios;

namespace OnnxOll.Pretraining;

/// <summary>Assembles pretraining batches: the epoch's seeded order, each image augmented and preprocessed, one caption per image
/// tokenised, and the soft pair targets (row i: 1/n on the n images sharing image i's label).</summary>
internal sealed class PretrainBatch
{
    private readonly DecodedImageSet images;
    private readonly int batchSize, length;
    private readonly ClipTokenizer tokenizer;
    private readonly CaptionBuilder captions;
    private readonly CropFlipAugmenter augmenter;
    private readonly ClipImagePreprocessor preprocessor;
    private readonly Dictionary<string, long[]> tokenCache = new(StringComparer.Ordinal);
    private readonly int[] labels;
    private int[] order = [];
    private byte[] augmented = [];
    private int orderEpoch = -1;

    public PretrainBatch(DecodedImageSet images, int batchSize, int length, int imageSize, ClipTokenizer tokenizer, CaptionBuilder captions, CropFlipAugmenter augmenter)
    {
        this.images = images;
        this.batchSize = batchSize;
        this.length = length;
        this.tokenizer = tokenizer;
        this.captions = captions;
        this.augmenter = augmenter;
        preprocessor = new ClipImagePreprocessor(new ClipImagePreprocessorOptions { ImageSize = imageSize });
        Pixels = new float[batchSize * preprocessor.SampleLength];
        InputIds = new long[batchSize * length];
        PairTargets = new float[batchSize * batchSize];
        labels = new int[batchSize];
    }

    public float[] Pixels { get; }

    public long[] InputIds { get; }

    public float[] PairTargets { get; }

    /// <summary>Fills the batch at <paramref name="position"/> (in batches) of epoch <paramref name="epoch"/>.</summary>
    public void Fill(int seed, int epoch, int position)
    {
        if (epoch != orderEpoch)
        {
            order = [.. Enumerable.Range(0, images.Count)];
            SeededShuffle.Shuffle(new Random(Mix(seed, epoch, -1)), order);
            orderEpoch = epoch;
        }

        for (int i = 0; i < batchSize; i++)
        {
            int slot = (position * batchSize) + i;
            var image = images.Images[order[slot]];
            labels[i] = images.Labels[order[slot]];
            var rng = new Random(Mix(seed, epoch, slot));
            if (augmented.Length < image.Pixels.Length)
            {
                augmented = new byte[image.Pixels.Length];
            }

            var scratch = augmented.AsSpan(0, image.Pixels.Length);
            augmenter.Apply(image.Pixels, image.Width, image.Height, image.Channels, scratch, rng);
            preprocessor.Preprocess(scratch, image.Width, image.Height, image.Channels, Pixels, i);
            Tokens(captions.Caption(images.Classes[labels[i]], rng)).CopyTo(InputIds.AsSpan(i * length, length));
        }

        for (int i = 0; i < batchSize; i++)
        {
            int same = 0;
            for (int j = 0; j < batchSize; j++)
            {
                same += labels[j] == labels[i] ? 1 : 0;
            }

            for (int j = 0; j < batchSize; j++)
            {
                PairTargets[(i * batchSize) + j] = labels[j] == labels[i] ? 1f / same : 0f;
            }
        }
    }

    private long[] Tokens(string caption)
    {
        if (!tokenCache.TryGetValue(caption, out var ids))
        {
            ids = new long[length];
            tokenizer.EncodeBatch([caption], length, ids);
            tokenCache[caption] = ids;
        }

        return ids;
    }

    /// <summary>A seed for one (seed, epoch, slot) triple; slot −1 seeds the epoch's order.</summary>
    private static int Mix(int seed, int epoch, int slot)
    {
        ulong x = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)epoch << 20) ^ (uint)(slot + 1);
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb93fe53a87c3UL;
        x ^= x >> 33;
        return (int)(x & 0x7fffffff);
    }
}
