using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace OnnxOll.Streams.Data;

/// <summary>Positional reads from a file handle that fail with the file name when bytes are missing.</summary>
internal static class BigEndianFile
{
    public static void ReadExactly(SafeFileHandle handle, string path, Span<byte> buffer, long offset, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = RandomAccess.Read(handle, buffer[read..], offset + read);
            if (n == 0)
            {
                throw new EndOfStreamException($"'{path}': {what} at byte {offset} is truncated ({read} of {buffer.Length} bytes).");
            }

            read += n;
        }
    }

    public static int ReadInt32(SafeFileHandle handle, string path, long offset, string field)
    {
        Span<byte> b = stackalloc byte[4];
        ReadExactly(handle, path, b, offset, field);
        return BinaryPrimitives.ReadInt32BigEndian(b);
    }
}
