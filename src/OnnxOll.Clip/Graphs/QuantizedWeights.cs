using System.Runtime.InteropServices;
using System.Text.Json;
using OnnxOll.Clip.Model;
using OnnxOll.Onnx.Models;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Graphs;

/// <summary>The int8 copy of a model's frozen linear weights (<c>weights-int8.bin</c> beside <c>weights.bin</c>): each weight
/// [in, out] quantized once, symmetric per output channel, q = round(w / s) with s = max|w[:, n]| / 127, plus its scales.</summary>
/// <remarks>Written from weights.bin under a temporary name and renamed into place; rebuilt when weights.bin changes.
/// Covers the encoder layers' linears and the patch embedding; projections, LayerNorms and embeddings stay float32.
/// Weights a model already holds as symmetric int8 (an int8 ONNX export, see <see cref="ClipWeights.ReadInt8"/>) are written as
/// they are instead of quantized again, and such a file is kept by later preparations of the same weights.bin.</remarks>
public sealed class QuantizedWeights
{
    /// <summary>The data file's name inside the cache directory.</summary>
    public const string FileName = "weights-int8.bin";

    /// <summary>The index file's name.</summary>
    public const string IndexFileName = "weights-int8.json";

    /// <summary>Suffix of a quantized weight's initializer name (int8 [in, out]).</summary>
    public const string WeightSuffix = ".int8";

    /// <summary>Suffix of a quantized weight's scales (float32 [out]).</summary>
    public const string ScaleSuffix = ".int8_scale";

    private const int Alignment = 4096;

    // Appended to the identity of a file whose weights came as int8 from the model (not quantized here).
    private const string AsGivenSuffix = "|int8-as-given";

    private readonly Dictionary<string, Entry> entries;

    private QuantizedWeights(Dictionary<string, Entry> entries) => this.entries = entries;

    /// <summary>True when the stored float weight <paramref name="name"/> has an int8 copy.</summary>
    public bool Contains(string name) => entries.ContainsKey(name + WeightSuffix);

    /// <summary>Names of the float weights that have int8 copies.</summary>
    public IEnumerable<string> Names => entries.Keys.Where(k => k.EndsWith(WeightSuffix, StringComparison.Ordinal)).Select(k => k[..^WeightSuffix.Length]);

    /// <summary>Names of the stored tensors (int8 weights and their scales).</summary>
    public IEnumerable<string> TensorNames => entries.Keys;

    /// <summary>Bytes of the int8 weights and their scales.</summary>
    public long ByteSize => entries.Values.Sum(e => e.Length);

    /// <summary>Writes (or reuses) the int8 copy of <paramref name="frozen"/>'s linear weights in its cache directory.</summary>
    public static QuantizedWeights Prepare(FrozenWeights frozen) => Prepare(frozen, null);

    /// <summary>Writes (or reuses) the int8 copy, taking each weight <paramref name="given"/> returns (by Hugging Face name) as it is.</summary>
    public static QuantizedWeights Prepare(FrozenWeights frozen, Func<string, ClipInt8Weight?>? given)
    {
        string indexPath = Path.Combine(frozen.Directory, IndexFileName);
        string identity = Identity(frozen);
        if (File.Exists(indexPath) && File.Exists(Path.Combine(frozen.Directory, FileName)))
        {
            var index = JsonSerializer.Deserialize<IndexFile>(File.ReadAllText(indexPath));
            if (index is not null && (index.Source == identity + AsGivenSuffix || (given is null && index.Source == identity)))
            {
                return new QuantizedWeights(index.Tensors);
            }
        }

        var entries = Write(frozen, Path.Combine(frozen.Directory, FileName), given);
        string temp = $"{indexPath}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(new IndexFile(given is null ? identity : identity + AsGivenSuffix, entries)));
        File.Move(temp, indexPath, overwrite: true);
        return new QuantizedWeights(entries);
    }

    /// <summary>True for the stored float weights that get an int8 copy.</summary>
    public static bool IsQuantized(string storedName) =>
        storedName == FrozenWeights.Transposed("vision_model.embeddings.patch_embedding.weight")
        || (storedName.Contains(".encoder.layers.", StringComparison.Ordinal) && storedName.EndsWith(".weight_t", StringComparison.Ordinal));

    /// <summary>Symmetric per-column quantization of <paramref name="w"/> [rows, cols]: int8 values and one scale per column.</summary>
    public static (sbyte[] Values, float[] Scales) Quantize(ReadOnlySpan<float> w, int rows, int cols)
    {
        var scales = new float[cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                scales[c] = Math.Max(scales[c], Math.Abs(w[(r * cols) + c]));
            }
        }

        for (int c = 0; c < cols; c++)
        {
            scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        }

        var q = new sbyte[w.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                q[(r * cols) + c] = (sbyte)Math.Clamp(MathF.Round(w[(r * cols) + c] / scales[c], MidpointRounding.ToEven), -127, 127);
            }
        }

        return (q, scales);
    }

    /// <summary>A new initializer (int8 weight or float32 scales) named <paramref name="name"/> that points into weights-int8.bin.</summary>
    public TensorProto Reference(string name)
    {
        var e = entries.TryGetValue(name, out var found) ? found : throw new KeyNotFoundException($"{IndexFileName}: no quantized tensor '{name}'.");
        var t = new TensorProto { Name = name, DataType = (int)(name.EndsWith(WeightSuffix, StringComparison.Ordinal) ? TensorProto.Types.DataType.Int8 : TensorProto.Types.DataType.Float) };
        t.Dims.AddRange(e.Shape);
        ExternalData.Reference(t, FileName, e.Offset, e.Length);
        return t;
    }

    private static string Identity(FrozenWeights frozen)
    {
        var info = new FileInfo(Path.Combine(frozen.Directory, FrozenWeights.FileName));
        return $"{info.Length}|{info.LastWriteTimeUtc.Ticks}|symmetric-per-column-v1";
    }

    private static Dictionary<string, Entry> Write(FrozenWeights frozen, string path, Func<string, ClipInt8Weight?>? given)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var stream = File.Create(temp))
        {
            foreach (string name in frozen.Names.Where(IsQuantized).Order(StringComparer.Ordinal))
            {
                long[] shape = frozen.Shape(name);
                var (values, scales) = given?.Invoke(name[..^FrozenWeights.Transposed("").Length]) is { } g && g.Values.Length == shape[0] * shape[1] && g.Scales.Length == shape[1]
                    ? (g.Values, g.Scales)
                    : Quantize(frozen.ReadFloat32(name), (int)shape[0], (int)shape[1]);
                entries[name + WeightSuffix] = Append(stream, MemoryMarshal.AsBytes(values.AsSpan()), shape);
                entries[name + ScaleSuffix] = Append(stream, MemoryMarshal.AsBytes(scales.AsSpan()), [shape[1]]);
            }
        }

        File.Move(temp, path, overwrite: true);
        return entries;
    }

    private static Entry Append(Stream stream, ReadOnlySpan<byte> data, long[] shape)
    {
        stream.Write(new byte[(Alignment - (stream.Position % Alignment)) % Alignment]);
        long offset = stream.Position;
        stream.Write(data);
        return new Entry(shape, offset, data.Length);
    }

    private sealed record Entry(long[] Shape, long Offset, long Length);

    private sealed record IndexFile(string Source, Dictionary<string, Entry> Tensors);
}
