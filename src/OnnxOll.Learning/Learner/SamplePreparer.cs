using OnnxOll.Clip.Imaging;
using OnnxOll.Streams.Data;

namespace OnnxOll.Learning.Learner;

/// <summary>Decodes (when encoded) and preprocesses one sample into a CHW float tensor; one instance per thread.</summary>
public sealed class SamplePreparer
{
    private readonly ClipImagePreprocessor preprocessor;

    /// <summary>Creates a preparer with the model's preprocessing <paramref name="options"/>.</summary>
    public SamplePreparer(ClipImagePreprocessorOptions options)
    {
        preprocessor = new ClipImagePreprocessor(options);
    }

    /// <summary>Floats per prepared sample (3 × size × size).</summary>
    public int SampleLength => preprocessor.SampleLength;

    /// <summary>Writes the sample into slot <paramref name="batchIndex"/> of an NCHW batch.</summary>
    public void Prepare(LabelledSample sample, Span<float> batch, int batchIndex)
    {
        if (sample.Pixels is { } raw)
        {
            preprocessor.Preprocess(raw.Pixels, raw.Width, raw.Height, raw.Channels, batch, batchIndex);
            return;
        }

        var image = ImageDecoder.Decode(sample.EncodedBytes!, sample.SourceName);
        preprocessor.Preprocess(image, batch, batchIndex);
    }

    /// <summary>Returns the sample as its own CHW float array (for the prefetching reader).</summary>
    public float[] Prepare(LabelledSample sample)
    {
        var item = new float[SampleLength];
        Prepare(sample, item, 0);
        return item;
    }
}
