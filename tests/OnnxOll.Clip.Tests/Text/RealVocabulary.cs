using System.Runtime.CompilerServices;

namespace OnnxOll.Clip.Tests.Text;

/// <summary>Locates OpenAI CLIP's real vocabulary in ../shared/data/clip_hf_tokenizer next to the repository root.</summary>
internal static class RealVocabulary
{
    public static readonly string? Directory = Find();

    public static readonly string SkipReason = "CLIP vocabulary not found at ../shared/data/clip_hf_tokenizer (relative to the repo root); real-vocabulary test skipped.";

    private static readonly Lazy<OnnxOll.Clip.Text.ClipTokenizer> Shared = new(() => Create());

    /// <summary>One tokenizer with default options shared by the tests (loading 49408 tokens takes a moment).</summary>
    public static OnnxOll.Clip.Text.ClipTokenizer Tokenizer => Shared.Value;

    public static OnnxOll.Clip.Text.ClipTokenizer Create(OnnxOll.Clip.Text.ClipTokenizerOptions? options = null) =>
        OnnxOll.Clip.Text.ClipTokenizer.Create(
            Path.Combine(Directory!, "vocab.json"), Path.Combine(Directory!, "merges.txt"), options);

    private static string? Find()
    {
        // Artifacts may live outside the checkout (ONNXOLL_ARTIFACTS), so the source file's location is the fallback.
        foreach (var start in new[] { AppContext.BaseDirectory, SourceDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OnnxOll.sln")))
                {
                    var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "clip_hf_tokenizer"));
                    if (File.Exists(Path.Combine(candidate, "vocab.json")) && File.Exists(Path.Combine(candidate, "merges.txt")))
                    {
                        return candidate;
                    }
                }
            }
        }
        return null;
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path) ?? ".";
}
