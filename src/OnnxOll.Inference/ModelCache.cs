using System.Security.Cryptography;
using System.Text;

namespace OnnxOll.Inference;

/// <summary>Where OnnxOll keeps per-model artifacts (frozen weights file, generated graphs): <c>$ONNXOLL_CACHE</c> or <c>~/.cache/onnxoll</c>.</summary>
public static class ModelCache
{
    /// <summary>The environment variable that overrides the cache root.</summary>
    public const string EnvironmentVariable = "ONNXOLL_CACHE";

    /// <summary>The cache directory of the model with hash <paramref name="modelHash"/>.</summary>
    public static string DirectoryFor(string modelHash)
    {
        string root = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "onnxoll");
        return Path.Combine(root, modelHash[..Math.Min(16, modelHash.Length)]);
    }

    /// <summary>A short stable key of a text (a PET spec plus graph options), for graph file names.</summary>
    public static string Key(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
}
