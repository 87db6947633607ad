using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace OnnxOll.Streams.Log;

/// <summary>The on-disk record layout: u32 body length, u32 CRC-32 of the body, then the body (kind, u16 label length, label, image).</summary>
internal static class RecordCodec
{
    public const int HeaderBytes = 8;
    public const int MaxBodyBytes = 256 * 1024 * 1024;

    public static byte[] Encode(LogRecordKind kind, string label, ReadOnlySpan<byte> image)
    {
        int labelBytes = Encoding.UTF8.GetByteCount(label);
        int body = 1 + 2 + labelBytes + image.Length;
        var buffer = new byte[HeaderBytes + body];
        var span = buffer.AsSpan(HeaderBytes);
        span[0] = (byte)kind;
        BinaryPrimitives.WriteUInt16LittleEndian(span[1..], checked((ushort)labelBytes));
        Encoding.UTF8.GetBytes(label, span.Slice(3, labelBytes));
        image.CopyTo(span[(3 + labelBytes)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, (uint)body);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), Crc32.HashToUInt32(span));
        return buffer;
    }

    /// <summary>Reads one record at the stream's position; null at a clean end, or when the record is torn or fails its checksum.</summary>
    public static (LogRecordKind Kind, string Label, byte[] Image)? TryRead(Stream stream, out string? problem)
    {
        problem = null;
        Span<byte> header = stackalloc byte[HeaderBytes];
        int got = stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
        if (got == 0)
        {
            return null;
        }

        if (got < HeaderBytes)
        {
            problem = $"torn record header ({got} of {HeaderBytes} bytes)";
            return null;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (length < 3 || length > MaxBodyBytes)
        {
            problem = $"record length {length} out of range";
            return null;
        }

        var body = new byte[length];
        if (stream.ReadAtLeast(body, body.Length, throwOnEndOfStream: false) < body.Length)
        {
            problem = "torn record body";
            return null;
        }

        if (Crc32.HashToUInt32(body) != crc)
        {
            problem = "record checksum mismatch";
            return null;
        }

        var kind = (LogRecordKind)body[0];
        int labelBytes = BinaryPrimitives.ReadUInt16LittleEndian(body.AsSpan(1));
        if (kind is not (LogRecordKind.Observation or LogRecordKind.Seal) || 3 + labelBytes > body.Length)
        {
            problem = $"record kind {body[0]} or label length {labelBytes} invalid";
            return null;
        }

        string label = Encoding.UTF8.GetString(body, 3, labelBytes);
        return (kind, label, body[(3 + labelBytes)..]);
    }
}
