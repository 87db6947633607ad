using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Model.Torch;

namespace OnnxOll.Learning.Checkpoints;

/// <summary>A fast identity of a model folder: SHA-256 over config.json and each safetensors header and file length, or for a PyTorch
/// checkpoint (see <see cref="ClipModelFiles"/>) over its config files, file name, length and pickled tensor index.</summary>
/// <remarks>Hashing headers and lengths instead of gigabytes of weights is enough to tell models apart in a second.</remarks>
public static class ModelHash
{
    private const long MaxHeaderLength = 100_000_000;

    /// <summary>Hashes <c>config.json</c> and every <c>*.safetensors</c> file (ordinal name order) of <paramref name="modelDirectory"/>.</summary>
    public static string Compute(string modelDirectory)
    {
        string config = Path.Combine(modelDirectory, "config.json");
        var weights = Directory.Exists(modelDirectory)
            ? Directory.GetFiles(modelDirectory, "*.safetensors").Order(StringComparer.Ordinal).ToArray()
            : [];
        return weights.Length > 0 ? Compute(config, weights) : ComputeTorch(modelDirectory);
    }

    /// <summary>Hashes the given config file and safetensors files, in the order given.</summary>
    public static string Compute(string configPath, IReadOnlyList<string> safetensorsPaths)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(File.ReadAllBytes(configPath));
        Span<byte> word = stackalloc byte[8];
        foreach (var path in safetensorsPaths)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
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
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string ComputeTorch(string modelPath)
    {
        string weights = ClipModelFiles.WeightsFile(modelPath);
        string folder = ClipModelFiles.Folder(modelPath);
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
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
