using System.Buffers.Binary;
using Google.Protobuf;

namespace OnnxOll.Learning.Tests.Logging;

/// <summary>Reads event files by TensorBoard's own rules, independently of the writer: TFRecord framing with both masked CRC-32Cs
/// checked (a bitwise CRC-32C, not System.IO.Hashing), Event protobufs decoded field by field, files in name order, and the purge
/// TensorBoard applies at a SessionLog START (events of earlier files at that step or later are dropped).</summary>
internal static class TensorBoardReader
{
    public sealed record Event(double WallTime, long Step, string? FileVersion, int? SessionStatus, IReadOnlyList<(string Tag, float Value)> Scalars);

    /// <summary>The scalars a TensorBoard would show for <paramref name="directory"/>: (tag, step) to value.</summary>
    public static SortedDictionary<(string Tag, long Step), float> Scalars(string directory)
    {
        var shown = new SortedDictionary<(string Tag, long Step), float>();
        foreach (var file in EventFiles(directory))
        {
            foreach (var e in ReadFile(file))
            {
                if (e.SessionStatus == 1)
                {
                    foreach (var key in shown.Keys.Where(k => k.Step >= e.Step).ToList())
                    {
                        shown.Remove(key);
                    }
                }

                foreach (var (tag, value) in e.Scalars)
                {
                    shown[(tag, e.Step)] = value;
                }
            }
        }

        return shown;
    }

    public static string[] EventFiles(string directory) =>
        [.. Directory.GetFiles(directory).Where(f => Path.GetFileName(f).Contains("tfevents", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>Every event of one file; throws on a bad length, CRC or trailing bytes.</summary>
    public static List<Event> ReadFile(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 12)
            {
                throw new InvalidDataException($"{path}: {bytes.Length - at} trailing bytes at {at}");
            }

            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            Check(path, at, "length", bytes.AsSpan(at, 8), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8)));
            if (length > (ulong)(bytes.Length - at - 16))
            {
                throw new InvalidDataException($"{path}: record at {at} claims {length} bytes");
            }

            var data = bytes.AsSpan(at + 12, (int)length);
            Check(path, at, "data", data, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length)));
            events.Add(Decode(data.ToArray()));
            at += 16 + (int)length;
        }

        return events;
    }

    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        crc = ~crc;
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    private static void Check(string path, int at, string what, ReadOnlySpan<byte> data, uint stored)
    {
        if (MaskedCrc32C(data) != stored)
        {
            throw new InvalidDataException($"{path}: record at {at}: {what} CRC {stored:x8}, computed {MaskedCrc32C(data):x8}");
        }
    }

    private static Event Decode(byte[] data)
    {
        var input = new CodedInputStream(data);
        double wall = 0;
        long step = 0;
        string? version = null;
        int? status = null;
        var scalars = new List<(string, float)>();
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: wall = input.ReadDouble(); break;
                case 2: step = input.ReadInt64(); break;
                case 3: version = input.ReadString(); break;
                case 5: scalars.AddRange(Summary(input.ReadBytes())); break;
                case 6: status = SessionStatus(input.ReadBytes()); break;
                default: input.SkipLastField(); break;
            }
        }

        return new Event(wall, step, version, status, scalars);
    }

    private static IEnumerable<(string, float)> Summary(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var values = new List<(string, float)>();
        while (input.ReadTag() is var tag and not 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1)
            {
                input.SkipLastField();
                continue;
            }

            var value = input.ReadBytes().CreateCodedInput();
            string name = "";
            float? simple = null;
            while (value.ReadTag() is var t and not 0)
            {
                switch (WireFormat.GetTagFieldNumber(t))
                {
                    case 1: name = value.ReadString(); break;
                    case 2: simple = value.ReadFloat(); break;
                    default: value.SkipLastField(); break;
                }
            }

            values.Add((name, simple ?? throw new InvalidDataException($"summary value '{name}' has no simple_value")));
        }

        return values;
    }

    private static int? SessionStatus(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        int? status = null;
        while (input.ReadTag() is var tag and not 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                status = input.ReadEnum();
            }
            else
            {
                input.SkipLastField();
            }
        }

        return status;
    }
}
