using System.Globalization;

namespace OnnxOll.Streams.Log;

/// <summary>One segment file, named by the offset of its first record (Kafka style: 20 digits + ".log").</summary>
internal sealed record LogSegment(long BaseOffset, string Path)
{
    public const string Extension = ".log";

    public static LogSegment For(string directory, long baseOffset) =>
        new(baseOffset, System.IO.Path.Combine(directory, baseOffset.ToString("D20", CultureInfo.InvariantCulture) + Extension));

    public static List<LogSegment> List(string directory) =>
        Directory.EnumerateFiles(directory, "*" + Extension)
            .Select(p => (Path: p, Name: System.IO.Path.GetFileNameWithoutExtension(p)))
            .Where(f => f.Name.Length == 20 && f.Name.All(char.IsAsciiDigit))
            .Select(f => new LogSegment(long.Parse(f.Name, CultureInfo.InvariantCulture), f.Path))
            .OrderBy(s => s.BaseOffset)
            .ToList();
}
