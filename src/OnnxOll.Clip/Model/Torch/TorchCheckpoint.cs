using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace OnnxOll.Clip.Model.Torch;

/// <summary>The tensors of a <c>torch.save</c> zip archive (<c>pytorch_model.bin</c>, <c>.pt</c>) or of a TorchScript archive, read without Python.</summary>
/// <remarks>Must be disposed (holds the open archive). <c>&lt;prefix&gt;/data.pkl</c> is read by a restricted unpickler that
/// refuses any global or opcode a state dict does not use; storages are read from <c>&lt;prefix&gt;/data/&lt;key&gt;</c>.</remarks>
public sealed class TorchCheckpoint : IDisposable
{
    private readonly ZipArchive zip;
    private readonly string prefix;
    private readonly Dictionary<string, TorchTensorInfo> tensors;
    private readonly Lock gate = new();

    private TorchCheckpoint(string path, ZipArchive zip, string prefix, bool torchScript, Dictionary<string, TorchTensorInfo> tensors)
    {
        Path = path;
        this.zip = zip;
        this.prefix = prefix;
        IsTorchScript = torchScript;
        this.tensors = tensors;
    }

    /// <summary>The archive's path.</summary>
    public string Path { get; }

    /// <summary>True for a TorchScript archive (<c>torch.jit.save</c>): tensors are the module tree's attributes.</summary>
    public bool IsTorchScript { get; }

    /// <summary>Every tensor, in the pickle's order.</summary>
    public IEnumerable<TorchTensorInfo> Tensors => tensors.Values;

    /// <summary>Opens an archive and reads its tensor index (names, dtypes, shapes, strides; no data yet).</summary>
    /// <exception cref="InvalidDataException">Not a torch zip archive (a legacy pickle, truncated), or a pickle the restricted reader refuses.</exception>
    public static TorchCheckpoint Open(string path)
    {
        CheckMagic(path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a readable zip archive (truncated or corrupt: {e.Message})", e);
        }

        try
        {
            var pickle = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1)
                ?? throw new InvalidDataException($"{path}: no '<name>/data.pkl' entry; not a torch.save or TorchScript archive.");
            string prefix = pickle.FullName[..^"data.pkl".Length];
            CheckByteOrder(path, zip.GetEntry(prefix + "byteorder"));
            bool torchScript = zip.GetEntry(prefix + "constants.pkl") is not null || zip.Entries.Any(e => e.FullName.StartsWith(prefix + "code/", StringComparison.Ordinal));
            var root = new RestrictedUnpickler(ReadEntry(path, pickle), $"{path}: {pickle.FullName}", torchScript).Load();
            var found = new Dictionary<string, TorchTensorInfo>(StringComparer.Ordinal);
            if (torchScript)
            {
                Walk(root as PickleObject ?? throw new InvalidDataException($"{path}: {pickle.FullName} holds no TorchScript module."), "", found);
            }
            else
            {
                Collect(path, root, found);
            }

            return new TorchCheckpoint(path, zip, prefix, torchScript, found);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>True when the archive holds a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => tensors.ContainsKey(name);

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    public TorchTensorInfo Get(string name) =>
        tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"{Path}: no tensor '{name}'.");

    /// <summary>Tensor <paramref name="name"/> as contiguous (row-major) float32, honouring its strides and storage offset.</summary>
    /// <exception cref="InvalidDataException">A non-float dtype, a missing or short storage entry, a view outside its storage, or NaN / infinity.</exception>
    public float[] ReadFloat32(string name)
    {
        var t = Get(name);
        if (!TorchDTypes.IsFloat(t.DType))
        {
            throw new InvalidDataException($"{Path}: tensor '{name}' has dtype {t.DType}, expected a float type.");
        }

        byte[] storage = ReadStorage(t);
        var values = new float[t.ElementCount];
        var index = new long[t.Shape.Length];
        for (long i = 0; i < values.Length; i++)
        {
            long at = t.StorageOffset;
            for (int d = 0; d < index.Length; d++)
            {
                at += index[d] * t.Stride[d];
            }

            float v = Element(storage, t.DType, at);
            values[i] = float.IsFinite(v) ? v : throw new InvalidDataException($"{Path}: tensor '{name}' holds {v} at element {i}; expected finite values.");
            for (int d = index.Length - 1; d >= 0 && ++index[d] == t.Shape[d]; d--)
            {
                index[d] = 0;
            }
        }

        return values;
    }

    /// <summary>The bytes of the archive's <c>data.pkl</c> (names, dtypes, shapes): a cheap identity of the checkpoint's layout.</summary>
    public byte[] ReadIndexBytes() => ReadEntry(Path, zip.GetEntry(prefix + "data.pkl")!);

    /// <inheritdoc/>
    public void Dispose() => zip.Dispose();

    private byte[] ReadStorage(TorchTensorInfo t)
    {
        long last = t.StorageOffset + t.Shape.Zip(t.Stride, (n, s) => (n - 1) * s).Sum();
        if (t.ElementCount > 0 && (t.StorageOffset < 0 || t.Stride.Any(s => s < 0) || last >= t.StorageNumel))
        {
            throw new InvalidDataException($"{Path}: tensor '{t.Name}' (offset {t.StorageOffset}, strides {ClipParameterShapes.Format(t.Stride)}) reaches element {last} of a storage of {t.StorageNumel}.");
        }

        string entryName = $"{prefix}data/{t.StorageKey}";
        lock (gate)
        {
            var entry = zip.GetEntry(entryName) ?? throw new InvalidDataException($"{Path}: storage entry '{entryName}' of tensor '{t.Name}' is missing.");
            long needed = t.StorageNumel * TorchDTypes.Size(t.DType);
            return entry.Length >= needed ? ReadEntry(Path, entry)
                : throw new InvalidDataException($"{Path}: storage entry '{entryName}' of tensor '{t.Name}' has {entry.Length} bytes, expected {needed}.");
        }
    }

    private static float Element(byte[] storage, TorchDType dtype, long at)
    {
        int size = TorchDTypes.Size(dtype);
        var bytes = storage.AsSpan(checked((int)(at * size)), size);
        return dtype switch
        {
            TorchDType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(bytes),
            TorchDType.Float16 => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes),
            TorchDType.BFloat16 => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes) << 16),
            _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        };
    }

    private static void Collect(string path, object? root, Dictionary<string, TorchTensorInfo> found)
    {
        var dict = root as PickleDict ?? throw new InvalidDataException($"{path}: the pickle holds a {root?.GetType().Name ?? "None"}, expected a state dict.");
        if (dict.Items.FirstOrDefault(kv => kv.Key is "state_dict").Value is PickleDict inner)
        {
            dict = inner;
        }

        var named = dict.Items.Where(kv => kv.Key is string && kv.Value is TorchTensorInfo).ToList();
        bool wrapped = named.Count > 0 && named.All(kv => ((string)kv.Key!).StartsWith("module.", StringComparison.Ordinal));
        foreach (var (key, value) in named)
        {
            string name = wrapped ? ((string)key!)["module.".Length..] : (string)key!;
            found[name] = (TorchTensorInfo)value! with { Name = name };
        }
    }

    private static void Walk(PickleObject module, string path, Dictionary<string, TorchTensorInfo> found)
    {
        foreach (var (key, value) in module.State?.Items ?? [])
        {
            if (key is not string name)
            {
                continue;
            }

            if (value is TorchTensorInfo t)
            {
                found[path + name] = t with { Name = path + name };
            }
            else if (value is PickleObject child)
            {
                Walk(child, $"{path}{name}.", found);
            }
        }
    }

    private static void CheckMagic(string path)
    {
        Span<byte> head = stackalloc byte[4];
        int n;
        using (var stream = File.OpenRead(path))
        {
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (n == 4 && head.SequenceEqual("PK\u0003\u0004"u8))
        {
            return;
        }

        throw new InvalidDataException(n > 0 && head[0] == 0x80
            ? $"{path}: a legacy (pre-1.6, non-zip) torch.save pickle, which is refused; re-save it with torch >= 1.6 (torch.save(torch.load(f), f2)) to get the zip format."
            : $"{path}: not a torch.save zip archive (it does not start with a zip header).");
    }

    private static void CheckByteOrder(string path, ZipArchiveEntry? entry)
    {
        if (entry is not null && System.Text.Encoding.ASCII.GetString(ReadEntry(path, entry)).Trim() is var order && order != "little")
        {
            throw new InvalidDataException($"{path}: {entry.FullName} is '{order}'; only little-endian checkpoints are read.");
        }
    }

    private static byte[] ReadEntry(string path, ZipArchiveEntry entry)
    {
        try
        {
            using var stream = entry.Open();
            var bytes = new byte[entry.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"{path}: entry '{entry.FullName}' cannot be read ({e.Message}).", e);
        }
    }
}
