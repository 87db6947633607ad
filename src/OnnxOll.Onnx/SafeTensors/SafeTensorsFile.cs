using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace OnnxOll.Onnx.SafeTensors;

/// <summary>A read-only, memory-mapped safetensors file whose header has been parsed and validated.</summary>
/// <remarks>Must be disposed; spans returned by <see cref="GetBytes"/> point into the mapping and are valid until then.
/// Reading is safe from several threads at once. To replace the file while it is open, write a new file and rename it
/// over this one: truncating a mapped file in place makes later reads of the lost pages crash the process (SIGBUS).</remarks>
public sealed unsafe class SafeTensorsFile : IDisposable
{
    private const int LengthPrefixSize = 8;

    private readonly MemoryMappedFile mapping;
    private readonly MemoryMappedViewAccessor view;
    private readonly byte* basePointer;
    private readonly Dictionary<string, SafeTensorInfo> byName;
    private bool disposed;

    private SafeTensorsFile(
        string path, MemoryMappedFile mapping, MemoryMappedViewAccessor view, byte* basePointer, long dataStart,
        SafeTensorsHeader header)
    {
        Path = path;
        this.mapping = mapping;
        this.view = view;
        this.basePointer = basePointer;
        DataStart = dataStart;
        Tensors = header.Tensors.AsReadOnly();
        Metadata = header.Metadata.AsReadOnly();
        byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was opened with.</summary>
    public string Path { get; }

    /// <summary>Absolute file offset of byte 0 of the data section (8 + header length); add a tensor's Begin to locate it.</summary>
    public long DataStart { get; }

    /// <summary>The tensor entries in header order.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The "__metadata__" string map (empty when the header has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Maps <paramref name="path"/> read-only and validates its header against the file length.</summary>
    /// <exception cref="SafeTensorsFormatException">The file is not a well-formed safetensors file.</exception>
    public static SafeTensorsFile Open(string path)
    {
        RequireLittleEndianHost();
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        MemoryMappedFile? mapping = null;
        MemoryMappedViewAccessor? view = null;
        var acquired = false;
        try
        {
            var length = stream.Length;
            if (length < LengthPrefixSize)
            {
                throw new SafeTensorsFormatException(
                    path, $"file is {length} bytes, shorter than the {LengthPrefixSize}-byte header length prefix");
            }

            mapping = MemoryMappedFile.CreateFromFile(
                stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = mapping.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            pointer += view.PointerOffset;

            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(pointer, LengthPrefixSize));
            var available = length - LengthPrefixSize;
            if (headerLength > (ulong)available)
            {
                throw new SafeTensorsFormatException(
                    path, $"header length {headerLength} exceeds the {available} bytes after the length prefix");
            }

            if (headerLength > SafeTensorsHeader.MaxLength)
            {
                throw new SafeTensorsFormatException(
                    path, $"header length {headerLength} exceeds the limit of {SafeTensorsHeader.MaxLength} bytes");
            }

            var json = new ReadOnlySpan<byte>(pointer + LengthPrefixSize, (int)headerLength).ToArray();
            var dataStart = LengthPrefixSize + (long)headerLength;
            var header = SafeTensorsHeader.Parse(path, json, length - dataStart);
            return new SafeTensorsFile(path, mapping, view, pointer, dataStart, header);
        }
        catch
        {
            if (acquired)
            {
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            }

            view?.Dispose();
            mapping?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>True if the file holds a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>The entry of tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor; the message names the file and the tensor.</exception>
    public SafeTensorInfo Get(string name) =>
        byName.TryGetValue(name, out var info)
            ? info
            : throw new KeyNotFoundException($"{Path}: no tensor named '{name}' (the file holds {byName.Count} tensors)");

    /// <summary>The raw little-endian bytes of tensor <paramref name="name"/>, directly in the mapping (valid until Dispose).</summary>
    public ReadOnlySpan<byte> GetBytes(string name)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var info = Get(name);
        if (info.ByteLength > int.MaxValue)
        {
            throw new NotSupportedException(
                $"{Path}: tensor '{name}' is {info.ByteLength} bytes, more than one span can address (2 GiB)");
        }

        return new ReadOnlySpan<byte>(basePointer + DataStart + info.Begin, (int)info.ByteLength);
    }

    /// <summary>A copy of the raw bytes of tensor <paramref name="name"/>.</summary>
    public byte[] ReadRaw(string name) => GetBytes(name).ToArray();

    /// <summary>Tensor <paramref name="name"/> (F32, F16, BF16 or F64) converted to float.</summary>
    public float[] ReadFloat32(string name)
    {
        var result = new float[Get(name).ElementCount];
        ReadFloat32(name, result);
        return result;
    }

    /// <summary>Like <see cref="ReadFloat32(string)"/>, refusing NaN and infinities: weights and learned tensors must be finite.</summary>
    /// <exception cref="SafeTensorsFormatException">The tensor holds a non-finite value; the message names the tensor and element.</exception>
    public float[] ReadFiniteFloat32(string name)
    {
        var values = ReadFloat32(name);
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new SafeTensorsFormatException(Path, $"tensor '{name}' holds {values[i]} at element {i}; expected finite values");
            }
        }

        return values;
    }

    /// <summary>Converts tensor <paramref name="name"/> (F32, F16, BF16 or F64) to float into <paramref name="destination"/>,
    /// which must hold exactly its element count.</summary>
    public void ReadFloat32(string name, Span<float> destination)
    {
        var info = Get(name);
        RequireLength(info, destination.Length);
        if (!SafeTensorConversions.TryToFloat32(info.DType, GetBytes(name), destination))
        {
            throw WrongDType(info, "F32, F64, F16 or BF16 (floating-point values)");
        }
    }

    /// <summary>Tensor <paramref name="name"/> (F64, F32, F16 or BF16) converted to double.</summary>
    public double[] ReadFloat64(string name)
    {
        var info = Get(name);
        var result = new double[info.ElementCount];
        if (!SafeTensorConversions.TryToFloat64(info.DType, GetBytes(name), result))
        {
            throw WrongDType(info, "F64, F32, F16 or BF16 (floating-point values)");
        }

        return result;
    }

    /// <summary>Tensor <paramref name="name"/> (I64, I32, I16, I8, U8 or BOOL) widened to long.</summary>
    public long[] ReadInt64(string name)
    {
        var info = Get(name);
        var result = new long[info.ElementCount];
        if (!SafeTensorConversions.TryToInt64(info.DType, GetBytes(name), result))
        {
            throw WrongDType(info, "I64, I32, I16, I8, U8 or BOOL (integer values)");
        }

        return result;
    }

    /// <summary>Releases the mapping; spans handed out before become invalid.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        mapping.Dispose();
    }

    internal static void RequireLittleEndianHost()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported");
        }
    }

    private void RequireLength(SafeTensorInfo info, int length)
    {
        if (length != info.ElementCount)
        {
            throw new ArgumentException(
                $"{Path}: tensor '{info.Name}' has {info.ElementCount} elements " +
                $"(shape {SafeTensorShape.Format(info.Shape)}), the destination holds {length}",
                "destination");
        }
    }

    private SafeTensorsFormatException WrongDType(SafeTensorInfo info, string accepted) =>
        new(Path, $"tensor '{info.Name}': field 'dtype' is {SafeTensorDTypes.ToName(info.DType)}, expected {accepted}");
}
