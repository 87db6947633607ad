using System.Buffers.Binary;
using System.IO.Hashing;

namespace OnnxOll.Learning.Logging;

/// <summary>TensorFlow's record framing, as TensorBoard reads event files: uint64 length, masked CRC-32C of the length, the data,
/// masked CRC-32C of the data (little-endian).</summary>
public static class TfRecord
{
    /// <summary>Bytes a record adds around its data.</summary>
    public const int Overhead = 16;

    /// <summary>TensorFlow's masked CRC-32C: the checksum rotated right by 15 bits plus 0xa282ead8.</summary>
    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    /// <summary>Writes <paramref name="data"/> as one record.</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }
}
