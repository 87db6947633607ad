namespace OnnxOll.Streams.Data;

/// <summary>Reads a class-names file: one name per line, trailing blank lines ignored.</summary>
public static class ClassNamesFile
{
    /// <summary>Returns the names in file order; a blank line before the last name is an error naming the line.</summary>
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Class-names file '{path}' does not exist.", path);
        }

        var lines = File.ReadAllLines(path).Select(l => l.Trim()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        int blank = lines.FindIndex(l => l.Length == 0);
        if (blank >= 0)
        {
            throw new InvalidDataException($"Class-names file '{path}': line {blank + 1} is empty; expected one class name per line.");
        }

        if (lines.Count == 0)
        {
            throw new InvalidDataException($"Class-names file '{path}': no class names.");
        }

        return lines;
    }
}
