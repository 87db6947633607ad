using System.Buffers.Binary;

namespace OnnxOll.Streams.Tests.Data;

/// <summary>Writes IDX uint8 files (big-endian magic and dimensions) for tests.</summary>
internal static class IdxFiles
{
    public static void Write(string path, byte[] data, params int[] dims)
    {
        using var stream = File.Create(path);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, 0x0800 | dims.Length);
        stream.Write(word);
        foreach (int d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            stream.Write(word);
        }

        stream.Write(data);
    }
}
