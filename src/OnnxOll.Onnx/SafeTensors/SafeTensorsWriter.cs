using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OnnxOll.Onnx.SafeTensors;

/// <summary>Collects tensors (as in-memory copies) and writes them as one safetensors file, in insertion order.</summary>
/// <remarks>The header is padded with spaces so the data section starts 8-byte aligned.</remarks>
public sealed class SafeTensorsWriter
{
    private const int Alignment = 8;

    private readonly List<Entry> entries = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    /// <summary>String pairs written as the header's "__metadata__" (omitted when empty).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Number of tensors added so far.</summary>
    public int Count => entries.Count;

    /// <summary>Adds a tensor from its raw little-endian bytes, which must be exactly product(shape) × element size long.</summary>
    /// <exception cref="ArgumentException">Duplicate or reserved name, negative dimension, or wrong byte length.</exception>
    public void Add(string name, SafeTensorDType dtype, long[] shape, ReadOnlySpan<byte> data)
    {
        CheckNameAndShape(name, shape);
        if (!SafeTensorShape.TryByteLength(shape, dtype, out var expected))
        {
            throw new ArgumentException(
                $"tensor '{name}': shape {SafeTensorShape.Format(shape)} is too large", nameof(shape));
        }

        if (data.Length != expected)
        {
            throw new ArgumentException(
                $"tensor '{name}': {data.Length} bytes given, shape {SafeTensorShape.Format(shape)} of " +
                $"{SafeTensorDTypes.ToName(dtype)} needs {expected}",
                nameof(data));
        }

        names.Add(name);
        entries.Add(new Entry(name, dtype, (long[])shape.Clone(), data.ToArray()));
    }

    /// <summary>Adds an F32 tensor.</summary>
    public void Add(string name, ReadOnlySpan<float> data, params long[] shape) =>
        AddElements(name, SafeTensorDType.F32, data.Length, shape, MemoryMarshal.AsBytes(data));

    /// <summary>Adds an F64 tensor.</summary>
    public void Add(string name, ReadOnlySpan<double> data, params long[] shape) =>
        AddElements(name, SafeTensorDType.F64, data.Length, shape, MemoryMarshal.AsBytes(data));

    /// <summary>Adds an I64 tensor.</summary>
    public void Add(string name, ReadOnlySpan<long> data, params long[] shape) =>
        AddElements(name, SafeTensorDType.I64, data.Length, shape, MemoryMarshal.AsBytes(data));

    /// <summary>Adds an I32 tensor.</summary>
    public void Add(string name, ReadOnlySpan<int> data, params long[] shape) =>
        AddElements(name, SafeTensorDType.I32, data.Length, shape, MemoryMarshal.AsBytes(data));

    /// <summary>Adds an F16 tensor, rounding each float to the nearest half (ties to even).</summary>
    public void AddFloat16(string name, ReadOnlySpan<float> data, params long[] shape)
    {
        CheckElementCount(name, data.Length, shape);
        Add(name, SafeTensorDType.F16, shape, SafeTensorConversions.ToFloat16Bytes(data));
    }

    /// <summary>Adds a BF16 tensor: the top 16 bits of each float, rounded to nearest even.</summary>
    public void AddBFloat16(string name, ReadOnlySpan<float> data, params long[] shape)
    {
        CheckElementCount(name, data.Length, shape);
        Add(name, SafeTensorDType.BF16, shape, SafeTensorConversions.ToBFloat16Bytes(data));
    }

    /// <summary>Writes the length prefix, header and data to <paramref name="stream"/>.</summary>
    public void Write(Stream stream)
    {
        SafeTensorsFile.RequireLittleEndianHost();
        var header = BuildHeader();
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var entry in entries)
        {
            stream.Write(entry.Data);
        }

        stream.Flush();
    }

    /// <summary>Creates (or overwrites) <paramref name="path"/> and writes the file; not atomic.</summary>
    /// <exception cref="IOException">The path is open elsewhere, e.g. mapped by a <see cref="SafeTensorsFile"/>.</exception>
    public void Write(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(stream);
    }

    private byte[] BuildHeader()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in Metadata)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var entry in entries)
            {
                json.WriteStartObject(entry.Name);
                json.WriteString("dtype", SafeTensorDTypes.ToName(entry.DType));
                json.WriteStartArray("shape");
                foreach (var dim in entry.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += entry.Data.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        var padding = (Alignment - ((8 + buffer.WrittenCount) % Alignment)) % Alignment;
        buffer.GetSpan(padding)[..padding].Fill((byte)' ');
        buffer.Advance(padding);
        return buffer.WrittenSpan.ToArray();
    }

    private void AddElements(string name, SafeTensorDType dtype, int elementCount, long[] shape, ReadOnlySpan<byte> data)
    {
        CheckElementCount(name, elementCount, shape);
        Add(name, dtype, shape, data);
    }

    private void CheckElementCount(string name, int elementCount, long[] shape)
    {
        var expected = CheckNameAndShape(name, shape);
        if (elementCount != expected)
        {
            throw new ArgumentException(
                $"tensor '{name}': {elementCount} elements given, shape {SafeTensorShape.Format(shape)} needs {expected}",
                nameof(shape));
        }
    }

    private long CheckNameAndShape(string name, long[] shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == SafeTensorsHeader.MetadataKey)
        {
            throw new ArgumentException($"tensor name '{name}' is reserved for the header's metadata", nameof(name));
        }

        if (names.Contains(name))
        {
            throw new ArgumentException($"tensor '{name}' was already added", nameof(name));
        }

        for (var i = 0; i < shape.Length; i++)
        {
            if (shape[i] < 0)
            {
                throw new ArgumentException($"tensor '{name}': dimension {i} is {shape[i]}, expected >= 0", nameof(shape));
            }
        }

        return SafeTensorShape.TryElementCount(shape, out var count)
            ? count
            : throw new ArgumentException($"tensor '{name}': shape {SafeTensorShape.Format(shape)} is too large", nameof(shape));
    }

    private sealed record Entry(string Name, SafeTensorDType DType, long[] Shape, byte[] Data);
}
