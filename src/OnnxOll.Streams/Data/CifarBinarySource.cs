using Microsoft.Win32.SafeHandles;

namespace OnnxOll.Streams.Data;

/// <summary>CIFAR-10/100 binary batch files (records of label byte(s) + 3072 CHW pixel bytes), yielding 32×32×3 HWC pixels.</summary>
public sealed class CifarBinarySource : ILabelledSampleSource
{
    private const int Side = 32;
    private const int PixelBytes = Side * Side * 3;
    private readonly string[] paths;
    private readonly SafeFileHandle[] handles;
    private readonly int[] firstIndex;
    private readonly string[] labels;
    private readonly int labelBytes;

    /// <summary>Opens the batch files in order; <paramref name="names"/> maps label values (fine labels for CIFAR-100) to names.</summary>
    public CifarBinarySource(IReadOnlyList<string> batchFiles, CifarVariant variant, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(batchFiles);
        ArgumentNullException.ThrowIfNull(names);
        if (batchFiles.Count == 0)
        {
            throw new ArgumentException("CIFAR source needs at least one batch file.", nameof(batchFiles));
        }

        labelBytes = variant == CifarVariant.Cifar10 ? 1 : 2;
        int recordBytes = labelBytes + PixelBytes;
        paths = [.. batchFiles];
        handles = new SafeFileHandle[paths.Length];
        firstIndex = new int[paths.Length + 1];
        var labels = new List<string>();
        var label = new byte[1];
        try
        {
            for (int f = 0; f < paths.Length; f++)
            {
                string path = paths[f];
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException($"CIFAR batch file '{path}' does not exist.", path);
                }

                var handle = handles[f] = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
                long length = RandomAccess.GetLength(handle);
                if (length == 0 || length % recordBytes != 0)
                {
                    throw new InvalidDataException($"CIFAR batch '{path}': length {length} is not a positive multiple of the {variant} record size {recordBytes}.");
                }

                for (long r = 0; r < length / recordBytes; r++)
                {
                    BigEndianFile.ReadExactly(handle, path, label, (r * recordBytes) + labelBytes - 1, $"label of record {r}");
                    labels.Add(label[0] < names.Count
                        ? names[label[0]]
                        : throw new InvalidDataException($"CIFAR batch '{path}': record {r} has label {label[0]}, but only {names.Count} class names are given."));
                }

                firstIndex[f + 1] = labels.Count;
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        this.labels = [.. labels];
        Name = string.Join("+", paths);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Labels => labels;

    /// <summary>The CIFAR-10 training (data_batch_1..5.bin) or test (test_batch.bin) split of the binary folder, names from batches.meta.txt.</summary>
    public static CifarBinarySource Cifar10(string directory, bool train)
    {
        var files = train
            ? Enumerable.Range(1, 5).Select(i => Path.Combine(directory, $"data_batch_{i}.bin")).ToList()
            : [Path.Combine(directory, "test_batch.bin")];
        return new CifarBinarySource(files, CifarVariant.Cifar10, ClassNamesFile.Read(Path.Combine(directory, "batches.meta.txt")));
    }

    /// <summary>The CIFAR-100 training (train.bin) or test (test.bin) split, fine labels named by fine_label_names.txt.</summary>
    public static CifarBinarySource Cifar100(string directory, bool train) =>
        new([Path.Combine(directory, train ? "train.bin" : "test.bin")], CifarVariant.Cifar100, ClassNamesFile.Read(Path.Combine(directory, "fine_label_names.txt")));

    /// <inheritdoc />
    public LabelledSample Read(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, labels.Length);
        int file = 0;
        while (firstIndex[file + 1] <= index)
        {
            file++;
        }

        int record = index - firstIndex[file];
        Span<byte> chw = stackalloc byte[PixelBytes];
        BigEndianFile.ReadExactly(handles[file], paths[file], chw, ((long)record * (labelBytes + PixelBytes)) + labelBytes, $"record {record}");
        var hwc = new byte[PixelBytes];
        const int plane = Side * Side;
        for (int i = 0; i < plane; i++)
        {
            hwc[3 * i] = chw[i];
            hwc[(3 * i) + 1] = chw[plane + i];
            hwc[(3 * i) + 2] = chw[(2 * plane) + i];
        }

        return LabelledSample.FromPixels(labels[index], new RawImage(hwc, Side, Side, 3), $"{paths[file]}#{record}");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var h in handles)
        {
            h?.Dispose();
        }
    }
}
