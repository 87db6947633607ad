using System.Runtime.InteropServices;
using System.Text.Json;
using OnnxOll.Clip.Model;
using OnnxOll.Onnx.Models;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Graphs;

/// <summary>A model's frozen weights as one float32 external-data file (<c>weights.bin</c>) in a cache directory, shared by every graph of that model.</summary>
/// <remarks>Linear weights are stored pre-transposed [in, out] under <c>&lt;linear&gt;.weight_t</c> and the patch embedding as
/// <c>vision_model.embeddings.patch_embedding.weight_t</c> [C·P·P, D]; every other tensor keeps its Hugging Face name and shape.
/// Graphs must be saved into the same directory (see <see cref="SaveGraph"/>) so ONNX Runtime resolves the relative location.</remarks>
public sealed class FrozenWeights : IClipWeightSource
{
    /// <summary>The data file's name inside the cache directory.</summary>
    public const string FileName = "weights.bin";

    /// <summary>The index file's name (tensor offsets and the source's identity).</summary>
    public const string IndexFileName = "weights.json";

    private const int Alignment = 4096;

    private readonly Dictionary<string, Entry> entries;

    private FrozenWeights(string directory, ClipConfig config, Dictionary<string, Entry> entries, float logitScale, QuantizedWeights? int8 = null)
    {
        Directory = directory;
        Config = config;
        this.entries = entries;
        LogitScale = logitScale;
        Int8 = int8;
    }

    /// <summary>The cache directory holding weights.bin and the graphs.</summary>
    public string Directory { get; }

    /// <inheritdoc/>
    public ClipConfig Config { get; }

    /// <summary>The pretrained logit scale (before exp).</summary>
    public float LogitScale { get; }

    /// <summary>The int8 copy of the linear weights that graphs multiply with, or null for float32 products.</summary>
    public QuantizedWeights? Int8 { get; }

    /// <summary>How graphs of these weights multiply by the frozen linear weights.</summary>
    public FrozenPrecision Precision => Int8 is null ? FrozenPrecision.Float32 : FrozenPrecision.Int8;

    /// <summary>Names of the stored tensors.</summary>
    public IEnumerable<string> Names => entries.Keys;

    /// <summary>The same weights whose graphs multiply in <paramref name="precision"/> (int8: quantized into the cache once).</summary>
    public FrozenWeights As(FrozenPrecision precision) => precision == Precision ? this
        : new FrozenWeights(Directory, Config, entries, LogitScale, precision == FrozenPrecision.Int8 ? QuantizedWeights.Prepare(this) : null);

    /// <summary>Reads stored tensor <paramref name="name"/> back from weights.bin.</summary>
    public float[] ReadFloat32(string name)
    {
        var e = Get(name);
        var data = new float[e.Length / sizeof(float)];
        using var stream = File.OpenRead(Path.Combine(Directory, FileName));
        stream.Position = e.Offset;
        stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
        return data;
    }

    /// <summary>Writes weights.bin and its index into <paramref name="cacheDirectory"/> unless an index for the same source file is already there.</summary>
    /// <remarks>Both files are written under unique temporary names and renamed into place, so concurrent preparers do not collide
    /// and sessions that already mapped an older weights.bin keep a valid file. Weights the model holds as symmetric int8
    /// (<see cref="ClipWeights.HasInt8"/>) are also written as they are into the int8 copy that <see cref="As"/> uses.</remarks>
    public static FrozenWeights Prepare(ClipWeights weights, string cacheDirectory)
    {
        var frozen = PrepareFloat32(weights, cacheDirectory);
        if (weights.HasInt8)
        {
            QuantizedWeights.Prepare(frozen, weights.ReadInt8);
        }

        return frozen;
    }

    private static FrozenWeights PrepareFloat32(ClipWeights weights, string cacheDirectory)
    {
        string dir = Path.GetFullPath(cacheDirectory);
        System.IO.Directory.CreateDirectory(dir);
        string source = Path.GetFullPath(weights.Path);
        var info = new FileInfo(source);
        string identity = $"{source}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
        string indexPath = Path.Combine(dir, IndexFileName);
        if (File.Exists(indexPath) && File.Exists(Path.Combine(dir, FileName)))
        {
            var index = JsonSerializer.Deserialize<IndexFile>(File.ReadAllText(indexPath));
            if (index is not null && index.Source == identity)
            {
                return new FrozenWeights(dir, weights.Config, index.Tensors, weights.LogitScale);
            }
        }

        var entries = Write(weights, Path.Combine(dir, FileName));
        string temp = $"{indexPath}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new IndexFile(identity, entries)));
        File.Move(temp, indexPath, overwrite: true);
        return new FrozenWeights(dir, weights.Config, entries, weights.LogitScale);
    }

    /// <summary>The stored name of a Hugging Face linear weight (pre-transposed [in, out]).</summary>
    public static string Transposed(string hfWeightName) => hfWeightName + "_t";

    /// <summary>True when a stored tensor of that name exists.</summary>
    public bool Contains(string name) => entries.ContainsKey(name);

    /// <inheritdoc/>
    public long[] Shape(string name) => Get(name).Shape;

    /// <summary>A new float32 initializer named <paramref name="name"/> that points into weights.bin.</summary>
    public TensorProto Reference(string name)
    {
        var e = Get(name);
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(e.Shape);
        ExternalData.Reference(t, FileName, e.Offset, e.Length);
        return t;
    }

    /// <summary>Saves a graph of this model into the cache directory and returns its path.</summary>
    public string SaveGraph(ModelProto model, string fileName)
    {
        string path = Path.Combine(Directory, fileName);
        ModelIO.Save(model, path);
        return path;
    }

    private Entry Get(string name) =>
        entries.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"{Path.Combine(Directory, IndexFileName)}: no frozen tensor '{name}'.");

    private static Dictionary<string, Entry> Write(ClipWeights weights, string path)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var stream = File.Create(temp))
        {
            foreach (string name in weights.Names)
            {
                float[] data = weights.ReadFloat32(name);
                long[] shape = weights.Shape(name);
                string stored = name;
                if (ClipStoredLayout.IsTransposed(name))
                {
                    data = ClipStoredLayout.ToStored(name, data, shape);
                    shape = ClipStoredLayout.StoredShape(name, shape);
                    stored = Transposed(name);
                }

                stream.Write(new byte[(Alignment - (stream.Position % Alignment)) % Alignment]);
                long offset = stream.Position;
                stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
                entries[stored] = new Entry(shape, offset, data.Length * sizeof(float));
            }
        }

        File.Move(temp, path, overwrite: true);
        return entries;
    }

    private sealed record Entry(long[] Shape, long Offset, long Length);

    private sealed record IndexFile(string Source, Dictionary<string, Entry> Tensors);
}
