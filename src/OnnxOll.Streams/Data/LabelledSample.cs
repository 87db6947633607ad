namespace OnnxOll.Streams.Data;

/// <summary>One training or test sample: a class name and either encoded image bytes or raw pixels, never decoded here.</summary>
public sealed class LabelledSample
{
    private LabelledSample(string label, string sourceName, byte[]? encoded, RawImage? pixels)
    {
        ArgumentException.ThrowIfNullOrEmpty(label);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        Label = label;
        SourceName = sourceName;
        EncodedBytes = encoded;
        Pixels = pixels;
    }

    /// <summary>The class name.</summary>
    public string Label { get; }

    /// <summary>Where the sample came from (file, tar member or record number), for error messages.</summary>
    public string SourceName { get; }

    /// <summary>The encoded image file (JPEG, PNG, ...) when the source stores files; otherwise null.</summary>
    public byte[]? EncodedBytes { get; }

    /// <summary>The raw pixels when the source stores arrays (IDX, CIFAR binary); otherwise null.</summary>
    public RawImage? Pixels { get; }

    /// <summary>Creates a sample carrying an encoded image file.</summary>
    public static LabelledSample FromEncoded(string label, byte[] encoded, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        return new LabelledSample(label, sourceName, encoded, null);
    }

    /// <summary>Creates a sample carrying raw pixels.</summary>
    public static LabelledSample FromPixels(string label, RawImage pixels, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        return new LabelledSample(label, sourceName, null, pixels);
    }
}
