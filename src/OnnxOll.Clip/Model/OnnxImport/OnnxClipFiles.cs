using OnnxOll.Onnx.Models;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Clip.Model.OnnxImport;

/// <summary>Finds the exported CLIP graphs of a model folder in optimum's and transformers.js's layouts (<c>onnx/</c> or the
/// folder itself): <c>vision_model.onnx</c> + <c>text_model.onnx</c>, else <c>model.onnx</c>, else their <c>_quantized</c> copies.</summary>
public static class OnnxClipFiles
{
    /// <summary>The sub-folder optimum and transformers.js write their graphs into.</summary>
    public const string SubFolder = "onnx";

    private static readonly string[][] Choices =
    [
        ["vision_model.onnx", "text_model.onnx"], ["model.onnx"],
        ["vision_model_quantized.onnx", "text_model_quantized.onnx"], ["model_quantized.onnx"],
    ];

    /// <summary>True for a path ending in <c>.onnx</c>.</summary>
    public static bool IsOnnx(string path) => path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>The graphs to read: for a .onnx file, it and its vision/text partner when there is one; for a folder the first
    /// complete choice of the class summary; null when there is none.</summary>
    public static IReadOnlyList<string>? Graphs(string folderOrFile)
    {
        if (File.Exists(folderOrFile))
        {
            if (!IsOnnx(folderOrFile))
            {
                return null;
            }

            string dir = Path.GetDirectoryName(Path.GetFullPath(folderOrFile))!;
            string name = Path.GetFileName(folderOrFile);
            string? partner = name.StartsWith("vision_model", StringComparison.Ordinal) ? "text_model" + name["vision_model".Length..]
                : name.StartsWith("text_model", StringComparison.Ordinal) ? "vision_model" + name["text_model".Length..] : null;
            return partner is not null && File.Exists(Path.Combine(dir, partner))
                ? [Path.Combine(dir, name.StartsWith('v') ? name : partner), Path.Combine(dir, name.StartsWith('v') ? partner : name)]
                : [folderOrFile];
        }

        if (!Directory.Exists(folderOrFile))
        {
            return null;
        }

        foreach (string dir in new[] { Path.Combine(folderOrFile, SubFolder), folderOrFile })
        {
            foreach (var choice in Choices)
            {
                if (choice.All(f => File.Exists(Path.Combine(dir, f))))
                {
                    return [.. choice.Select(f => Path.Combine(dir, f))];
                }
            }
        }

        return null;
    }

    /// <summary>The folder holding config.json for a graph file: the graph's folder, or its parent when the graph sits in <c>onnx/</c>.</summary>
    public static string ConfigFolder(string graphFile)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(graphFile))!;
        string parent = Path.GetDirectoryName(dir) ?? dir;
        return Path.GetFileName(dir) == SubFolder && !File.Exists(Path.Combine(dir, ClipConfig.FileName)) && File.Exists(Path.Combine(parent, ClipConfig.FileName))
            ? parent : dir;
    }

    /// <summary>The external-data files a graph references (full paths, ordinal order).</summary>
    public static IReadOnlyList<string> ExternalDataFiles(string graphFile)
    {
        var model = ModelIO.Load(graphFile);
        string dir = Path.GetDirectoryName(Path.GetFullPath(graphFile))!;
        return [.. model.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External)
            .Select(t => Path.GetFullPath(Path.Combine(dir, ExternalData.Describe(t).Location))).Distinct().Order(StringComparer.Ordinal)];
    }
}
