using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Model.OnnxImport;
using OnnxOll.Clip.Model.Torch;

namespace OnnxOll.Storage.Checkpoints;

/// <summary>The identity of a model folder: SHA-256 over config.json and, per safetensors file, its header, length and an XxHash128 of
/// its tensor bytes, or for a PyTorch checkpoint (see <see cref="ClipModelFiles"/>) over its config files, file name, length, pickled
/// tensor index and an XxHash128 of the whole file, or for exported ONNX graphs over config.json and, per graph and external-data
/// file read, its name, length and an XxHash128 of the whole file; two models of the same shapes but other weights differ.</summary>
/// <remarks>XxHash128 reads at memory speed (a ViT-B/32's 605 MB in 0.3 s, 0.55 s from a cold page cache); a file's digest is kept per process, keyed by
/// path, length and write time, so commands that ask several times read the weights once.</remarks>
public static class ModelHash
{
    /// <summary>The safetensors metadata key (and JSON field) that records the model PET tensors were learned on.</summary>
    public const string MetadataKey = "model_hash";

    private const long MaxHeaderLength = 100_000_000;
    private const int ShortLength = 12;
    private static readonly ConcurrentDictionary<(string Path, long Length, long Ticks), byte[]> ContentDigests = new();

    /// <summary>Hashes <c>config.json</c> and every <c>*.safetensors</c> file (ordinal name order) of <paramref name="modelDirectory"/>.</summary>
    public static string Compute(string modelDirectory) => Compute(modelDirectory, content: true);

    /// <summary>The hash OnnxOll recorded before weights were hashed (config and safetensors headers and lengths only), to tell a run
    /// recorded then from one of another model.</summary>
    public static string ComputeHeadersOnly(string modelDirectory) => Compute(modelDirectory, content: false);

    /// <summary>Hashes the given config file and safetensors files, in the order given.</summary>
    public static string Compute(string configPath, IReadOnlyList<string> safetensorsPaths) => Compute(configPath, safetensorsPaths, content: true);

    /// <summary>The first characters of <paramref name="hash"/>, enough to tell models apart in a message.</summary>
    public static string Short(string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return hash.Length <= ShortLength ? hash : hash[..ShortLength];
    }

    private static string Compute(string modelDirectory, bool content)
    {
        string config = Path.Combine(modelDirectory, "config.json");
        var weights = Directory.Exists(modelDirectory)
            ? Directory.GetFiles(modelDirectory, "*.safetensors").Order(StringComparer.Ordinal).ToArray()
            : [];
        return weights.Length > 0 ? Compute(config, weights, content) : ComputeTorch(modelDirectory, content);
    }

    private static string Compute(string configPath, IReadOnlyList<string> safetensorsPaths, bool content)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(configPath));
        Span<byte> word = stackalloc byte[8];
        foreach (var path in safetensorsPaths)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            if (stream.Length < word.Length)
            {
                throw new InvalidDataException($"Safetensors '{path}': file is {stream.Length} bytes, shorter than the 8-byte header length prefix.");
            }

            stream.ReadExactly(word);
            long headerLength = BinaryPrimitives.ReadInt64LittleEndian(word);
            if (headerLength <= 0 || headerLength > MaxHeaderLength || 8 + headerLength > stream.Length)
            {
                throw new InvalidDataException($"Safetensors '{path}': header length {headerLength} is invalid for a file of {stream.Length} bytes.");
            }

            var header = new byte[headerLength];
            stream.ReadExactly(header);
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(path)));
            hash.AppendData(word);
            hash.AppendData(header);
            BinaryPrimitives.WriteInt64LittleEndian(word, stream.Length);
            hash.AppendData(word);
            if (content)
            {
                hash.AppendData(ContentDigest(path, stream));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // XxHash128 of the bytes after the header (the stream is positioned there).
    private static byte[] ContentDigest(string path, FileStream stream)
    {
        var info = new FileInfo(path);
        var key = (Path.GetFullPath(path), info.Length, info.LastWriteTimeUtc.Ticks);
        if (ContentDigests.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var digest = new XxHash128();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                digest.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return ContentDigests[key] = digest.GetCurrentHash();
    }

    private static string ComputeTorch(string modelPath, bool content)
    {
        string weights = ClipModelFiles.WeightsFile(modelPath);
        string folder = ClipModelFiles.Folder(modelPath);
        if (OnnxClipFiles.IsOnnx(weights))
        {
            return ComputeOnnx(File.Exists(modelPath) ? modelPath : folder, folder, content);
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string config in new[] { ClipConfig.FileName, OpenClipConfig.FileName }.Select(f => Path.Combine(folder, f)).Where(File.Exists))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(config)));
            hash.AppendData(File.ReadAllBytes(config));
        }

        using (var checkpoint = TorchCheckpoint.Open(weights))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(weights)));
            hash.AppendData(checkpoint.ReadIndexBytes());
        }

        Span<byte> word = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(word, new FileInfo(weights).Length);
        hash.AppendData(word);
        if (content)
        {
            using var stream = new FileStream(weights, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            hash.AppendData(ContentDigest(weights, stream));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string ComputeOnnx(string modelPath, string folder, bool content)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(Path.Combine(folder, ClipConfig.FileName)));
        var graphs = OnnxClipFiles.Graphs(modelPath) ?? [modelPath];
        Span<byte> word = stackalloc byte[8];
        foreach (string file in graphs.Concat(graphs.SelectMany(OnnxClipFiles.ExternalDataFiles)))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            BinaryPrimitives.WriteInt64LittleEndian(word, stream.Length);
            hash.AppendData(word);
            if (content)
            {
                hash.AppendData(ContentDigest(file, stream));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
