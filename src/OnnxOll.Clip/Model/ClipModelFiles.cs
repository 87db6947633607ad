using OnnxOll.Clip.Model.OnnxImport;

namespace OnnxOll.Clip.Model;

/// <summary>Finds the weights file of a model folder in any accepted layout (Hugging Face safetensors or .bin, open_clip, OpenAI .pt,
/// exported ONNX graphs).</summary>
public static class ClipModelFiles
{
    /// <summary>A Hugging Face folder's PyTorch weights.</summary>
    public const string PyTorchBin = "pytorch_model.bin";

    /// <summary>open_clip's weights file on the hub.</summary>
    public const string OpenClipBin = "open_clip_pytorch_model.bin";

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

        throw new FileNotFoundException(
            $"{folderOrFile}: no CLIP weights ({ClipWeights.FileName}, {PyTorchBin}, {OpenClipBin}, an OpenAI .pt file, or onnx/vision_model.onnx + text_model.onnx or onnx/model.onnx).", folderOrFile);
    }

    /// <summary>True when <paramref name="weightsFile"/> is a safetensors file (otherwise a PyTorch archive).</summary>
    public static bool IsSafeTensors(string weightsFile) => weightsFile.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
}
