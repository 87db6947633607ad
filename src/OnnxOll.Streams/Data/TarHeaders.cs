namespace OnnxOll.Streams.Data;

/// <summary>Walks a tar's 512-byte headers before it is read: every header checksum must match and the archive must end with its
/// end-of-archive block inside the file, so a corrupt or truncated tar is refused instead of read in part.</summary>
/// <remarks>System.Formats.Tar's reader checks neither: a damaged header reads as another name, a truncated tar as a shorter one.</remarks>
internal static class TarHeaders
{
    private const int Block = 512;

    public static void Verify(string tarPath, Stream stream)
    {
        var header = new byte[Block];
        long position = 0;
        int members = 0;
        long length = stream.Length;
        while (true)
        {
            if (position + Block > length)
            {
                throw new InvalidDataException($"Tar file '{tarPath}': truncated after {members} members ({length} bytes; no end-of-archive block at byte {position}).");
            }

            stream.Position = position;
            stream.ReadExactly(header);
            if (header.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                return;
            }

            long stored = Octal(header.AsSpan(148, 8), tarPath, position, "checksum");
            long unsigned = 0, signed = 0;
            for (int i = 0; i < Block; i++)
            {
                byte b = i is >= 148 and < 156 ? (byte)' ' : header[i];
                unsigned += b;
                signed += (sbyte)b;
            }

            if (stored != unsigned && stored != signed)
            {
                throw new InvalidDataException($"Tar file '{tarPath}': the header at byte {position} (member {members + 1}) has checksum {stored}, its bytes sum to {unsigned} (corrupt).");
            }

            long size = Size(header.AsSpan(124, 12), tarPath, position);
            long dataEnd = position + Block + size;
            if (dataEnd > length)
            {
                throw new InvalidDataException($"Tar file '{tarPath}': member {members + 1} (header at byte {position}) holds {size} bytes but the file ends at byte {length} (truncated).");
            }

            position = position + Block + ((size + Block - 1) / Block * Block);
            members++;
        }
    }

    private static long Size(ReadOnlySpan<byte> field, string tarPath, long position)
    {
        if ((field[0] & 0x80) != 0)
        {
            long value = field[0] & 0x7F;
            foreach (byte b in field[1..])
            {
                value = (value << 8) | b;
            }

            return value >= 0 ? value : throw new InvalidDataException($"Tar file '{tarPath}': the header at byte {position} has a negative size (corrupt).");
        }

        return Octal(field, tarPath, position, "size");
    }

    private static long Octal(ReadOnlySpan<byte> field, string tarPath, long position, string name)
    {
        var digits = field.Trim((byte)' ').TrimEnd((byte)0).Trim((byte)' ');
        long value = 0;
        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'7')
            {
                throw new InvalidDataException($"Tar file '{tarPath}': the header at byte {position} has {name} field '{System.Text.Encoding.ASCII.GetString(field).TrimEnd('\0')}', expected octal digits (corrupt).");
            }

            value = (value * 8) + (b - '0');
        }

        return value;
    }
}
