using OnnxOll.Clip.Model.OnnxImport;

namespace OnnxOll.Clip.Model;

/// <summary>Finds the weights file of a model folder in any accepted layout (Hugging Face safetensors or .bin, open_clip, OpenAI .pt,
/// exported ONNX graphs).</summary>
public static partial class ClipModelFiles
{
    /// <summary>A Hugging Face folder's PyTorch weights.</summary>
    public const string PyTorchBin = "pytorch_model.bin";

    /// <summary>open_clip's weights file on the hub.</summary>
    public const string OpenClipBin = "open_clip_pytorch_model.bin";

    /// <summary>Extensions of the weights files a model may be given as (instead of its folder).</summary>
    public static readonly IReadOnlyList<string> WeightsExtensions = [".safetensors", ".bin", ".pt", ".pth", ".onnx"];

    /// <summary>Why <paramref name="folderOrFile"/> cannot be a model, or null: no such folder (a hub id such as
    /// <c>openai/clip-vit-base-patch32</c> gets its own message: OnnxOll reads local folders), or a file that is no weights file.</summary>
    public static string? Problem(string folderOrFile)
    {
        if (Directory.Exists(folderOrFile))
        {
            return null;
        }

        if (File.Exists(folderOrFile))
        {
            return WeightsExtensions.Contains(Path.GetExtension(folderOrFile).ToLowerInvariant()) ? null
                : $"{folderOrFile}: is a file, not a model; give the model folder (config.json, model.safetensors, vocab.json, merges.txt){(Path.GetDirectoryName(folderOrFile) is { Length: > 0 } parent ? $", e.g. {parent}" : string.Empty)}, or its weights file ({string.Join(", ", WeightsExtensions)})";
        }

        return HubId().IsMatch(folderOrFile)
            ? $"{folderOrFile}: no such folder. If it is a Hugging Face hub id: OnnxOll reads local model folders and downloads nothing; on a machine with internet run "
                + $"`huggingface-cli download {folderOrFile} --local-dir DIR`, copy DIR here and give that folder"
            : $"{folderOrFile}: no such model folder or weights file";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z0-9][\w.-]*/[\w.-]+$")]
    private static partial System.Text.RegularExpressions.Regex HubId();

    /// <summary>The folder holding the model files: <paramref name="folderOrFile"/> itself, or the folder of a weights file.</summary>
    public static string Folder(string folderOrFile) =>
        !File.Exists(folderOrFile) ? folderOrFile
        : OnnxClipFiles.IsOnnx(folderOrFile) ? OnnxClipFiles.ConfigFolder(folderOrFile)
        : Path.GetDirectoryName(Path.GetFullPath(folderOrFile))!;

    /// <summary>The weights file: the file itself, or in a folder <c>model.safetensors</c>, <c>pytorch_model.bin</c>,
    /// <c>open_clip_pytorch_model.bin</c>, the folder's only <c>.pt</c> file, or the first exported ONNX graph
    /// (<see cref="OnnxClipFiles.Graphs"/>), in that order.</summary>
    /// <exception cref="FileNotFoundException">No weights file; the message lists the accepted names.</exception>
    public static string WeightsFile(string folderOrFile)
    {
        if (File.Exists(folderOrFile))
        {
            return folderOrFile;
        }

        if (Directory.Exists(folderOrFile))
        {
            foreach (string name in new[] { ClipWeights.FileName, PyTorchBin, OpenClipBin })
            {
                string path = Path.Combine(folderOrFile, name);
                if (File.Exists(path))
                {
                    return path;
                }
            }

            var pt = Directory.GetFiles(folderOrFile, "*.pt");
            if (pt.Length == 1)
            {
                return pt[0];
            }

            if (pt.Length > 1)
            {
                throw new FileNotFoundException($"{folderOrFile}: {pt.Length} .pt files ({string.Join(", ", pt.Select(Path.GetFileName).Order(StringComparer.Ordinal))}); keep one, or pass the file.");
            }

            if (OnnxClipFiles.Graphs(folderOrFile) is [var graph, ..])
            {
                return graph;
            }
        }

        if (Problem(folderOrFile) is { } problem)
        {
            throw new FileNotFoundException(problem + ".", folderOrFile);
        }

        throw new FileNotFoundException(
            $"{folderOrFile}: no CLIP weights ({ClipWeights.FileName}, {PyTorchBin}, {OpenClipBin}, an OpenAI .pt file, or onnx/vision_model.onnx + text_model.onnx or onnx/model.onnx).", folderOrFile);
    }

    /// <summary>True when <paramref name="weightsFile"/> is a safetensors file (otherwise a PyTorch archive).</summary>
    public static bool IsSafeTensors(string weightsFile) => weightsFile.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
}
