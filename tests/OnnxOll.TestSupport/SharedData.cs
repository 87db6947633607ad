using System.Runtime.CompilerServices;

namespace OnnxOll.TestSupport;

/// <summary>Locates ../shared/data beside the directory holding OnnxOll.sln, found above the test binaries or this source file.</summary>
public static class SharedData
{
    public static string? Find(string relativePath) => Find(relativePath, ThisFile());

    private static string? Find(string relativePath, string sourceFile)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? string.Empty })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OnnxOll.sln")))
                {
                    string path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", relativePath));
                    if (File.Exists(path) || Directory.Exists(path))
                    {
                        return path;
                    }

                    break;
                }
            }
        }

        return null;
    }

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
