namespace OnnxOll.Streams.Data;

/// <summary>Recognises image files by extension and splits relative paths into class and rest.</summary>
internal static class ImageFileNames
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".ppm", ".pgm",
    };

    public static bool IsImage(string path) => Extensions.Contains(Path.GetExtension(path));

    /// <summary>The first component of a '/'-separated relative path when a file name follows it; otherwise null.</summary>
    public static string? ClassOf(string relativePath)
    {
        int slash = relativePath.IndexOf('/');
        return slash > 0 && slash < relativePath.Length - 1 ? relativePath[..slash] : null;
    }
}
