namespace OnnxOll.Cli.Tests;

/// <summary>Every entry under a folder (the run lock aside) with the SHA-256 of its bytes ("dir" for a folder), to assert that a
/// refused command changed nothing.</summary>
internal static class FolderTree
{
    public static Dictionary<string, string> Hashes(string dir) =>
        Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p) != Learning.Runs.RunFolder.LockFileName)
            .ToDictionary(p => Path.GetRelativePath(dir, p), p => File.Exists(p) ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))) : "dir");
}
