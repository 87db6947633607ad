using Microsoft.Win32.SafeHandles;

namespace OnnxOll.Streams.Data;

/// <summary>IDX files in the MNIST layout: uint8 images [N, rows, cols(, channels)] and uint8 labels [N], big-endian headers.</summary>
public sealed class IdxSource : ILabelledSampleSource
{
    private const int UnsignedByteType = 0x08;
    private readonly string imagesPath;
    private readonly SafeFileHandle images;
    private readonly string[] labels;
    private readonly long dataOffset;
    private readonly int rows;
    private readonly int cols;
    private readonly int channels;

    /// <summary>Opens an images/labels pair; <paramref name="namesPath"/> maps label values to names (else the value is the name).</summary>
    public IdxSource(string imagesPath, string labelsPath, string? namesPath = null)
    {
        var names = namesPath is null ? null : ClassNamesFile.Read(namesPath);
        byte[] labelValues = ReadLabels(labelsPath);
        this.imagesPath = imagesPath;
        images = OpenOrThrow(imagesPath);
        try
        {
            int dims = ReadMagic(images, imagesPath, 3, 4);
            int count = Dim(imagesPath, 0);
            rows = Dim(imagesPath, 1);
            cols = Dim(imagesPath, 2);
            channels = dims == 4 ? Dim(imagesPath, 3) : 1;
            dataOffset = 4 + (4L * dims);
            if (count != labelValues.Length)
            {
                throw new InvalidDataException($"IDX '{imagesPath}': field count is {count}, but labels file '{labelsPath}' has {labelValues.Length}.");
            }

            long expected = dataOffset + ((long)count * rows * cols * channels);
            if (RandomAccess.GetLength(images) < expected)
            {
                throw new InvalidDataException($"IDX '{imagesPath}': file is {RandomAccess.GetLength(images)} bytes, header needs {expected}.");
            }

            labels = labelValues.Select((v, i) => LabelName(v, i, names, labelsPath, namesPath)).ToArray();
        }
        catch
        {
            images.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public string Name => imagesPath;

    /// <inheritdoc />
    public IReadOnlyList<string> Labels => labels;

    /// <inheritdoc />
    public LabelledSample Read(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, labels.Length);
        int size = rows * cols * channels;
        var pixels = new byte[size];
        BigEndianFile.ReadExactly(images, imagesPath, pixels, dataOffset + ((long)index * size), $"image {index}");
        return LabelledSample.FromPixels(labels[index], new RawImage(pixels, cols, rows, channels), $"{imagesPath}#{index}");
    }

    /// <inheritdoc />
    public void Dispose() => images.Dispose();

    private static SafeFileHandle OpenOrThrow(string path) =>
        File.Exists(path)
            ? File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read)
            : throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);

    private static int ReadMagic(SafeFileHandle handle, string path, int minDims, int maxDims)
    {
        int magic = BigEndianFile.ReadInt32(handle, path, 0, "magic");
        int type = (magic >> 8) & 0xFF;
        int dims = magic & 0xFF;
        if ((magic >> 16) != 0 || type != UnsignedByteType || dims < minDims || dims > maxDims)
        {
            throw new InvalidDataException(
                $"IDX '{path}': field magic is 0x{magic:X8}, expected 0x0000080{minDims}" + (maxDims != minDims ? $"..0x0000080{maxDims}" : string.Empty) + " (uint8).");
        }

        return dims;
    }

    private int Dim(string path, int i)
    {
        int value = BigEndianFile.ReadInt32(images, path, 4 + (4L * i), $"dimension {i}");
        return value > 0 ? value : throw new InvalidDataException($"IDX '{path}': field dimension {i} is {value}, expected > 0.");
    }

    private static byte[] ReadLabels(string path)
    {
        using var handle = OpenOrThrow(path);
        ReadMagic(handle, path, 1, 1);
        int count = BigEndianFile.ReadInt32(handle, path, 4, "dimension 0");
        if (count < 0)
        {
            throw new InvalidDataException($"IDX '{path}': field dimension 0 is {count}, expected >= 0.");
        }

        var labels = new byte[count];
        BigEndianFile.ReadExactly(handle, path, labels, 8, "labels");
        return labels;
    }

    private static string LabelName(byte value, int index, IReadOnlyList<string>? names, string labelsPath, string? namesPath)
    {
        if (names is null)
        {
            return value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return value < names.Count
            ? names[value]
            : throw new InvalidDataException($"IDX '{labelsPath}': label {index} is {value}, but '{namesPath}' has only {names.Count} names.");
    }
}
