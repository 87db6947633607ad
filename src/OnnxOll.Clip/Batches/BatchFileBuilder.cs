using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Imaging;
using OnnxOll.Clip.Model;
using OnnxOll.Clip.Text;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Clip.Batches;

/// <summary>Builds the batch file <c>embed</c> and <c>grad</c> read: <c>pixel_values</c> [B,3,H,W] f32 (the model's preprocessing),
/// <c>input_ids</c> [C,L] i64 (one prompt per distinct label, in first-seen order) and <c>labels</c> [B] i64.</summary>
public static class BatchFileBuilder
{
    /// <summary>The name of the labels tensor.</summary>
    public const string LabelsName = "labels";

    /// <summary>File extensions taken from a folder given as images.</summary>
    public static readonly IReadOnlyList<string> ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif"];

    /// <summary>The image files of <paramref name="paths"/>: each file as given, each folder's image files sorted by name.</summary>
    /// <exception cref="FileNotFoundException">A path does not exist, or a folder holds no image.</exception>
    public static IReadOnlyList<string> ExpandImages(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                var inFolder = Directory.GetFiles(path).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToArray();
                files.AddRange(inFolder.Length > 0 ? inFolder
                    : throw new FileNotFoundException($"--images {path}: folder holds no image ({string.Join(", ", ImageExtensions)}).", path));
            }
            else
            {
                throw new FileNotFoundException($"--images {path}: no such file or folder.", path);
            }
        }

        return files;
    }

    /// <summary>Decodes and preprocesses <paramref name="images"/> as the model in <paramref name="modelFolder"/> does and tokenises
    /// <paramref name="template"/> for each distinct label; image i gets <paramref name="labels"/>[i].</summary>
    /// <exception cref="ArgumentException">The label count differs from the image count.</exception>
    /// <exception cref="InvalidDataException">An image cannot be decoded, or the model folder is unreadable.</exception>
    public static SafeTensorsWriter Build(string modelFolder, IReadOnlyList<string> images, IReadOnlyList<string> labels, string template = PromptTemplates.DefaultTemplate)
    {
        if (labels.Count != images.Count)
        {
            throw new ArgumentException($"--labels: {labels.Count} label{(labels.Count == 1 ? string.Empty : "s")} for {images.Count} image{(images.Count == 1 ? string.Empty : "s")}; give one label per image, in the order of --images.");
        }

        ClipConfig config;
        using (var weights = ClipWeights.Open(modelFolder))
        {
            config = weights.Config;
        }

        string folder = ClipModelFiles.Folder(modelFolder);
        int length = config.Text.MaxPositionEmbeddings;
        var tokenizer = ClipTokenizer.Create(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"), new ClipTokenizerOptions { ContextLength = length });
        var preprocessor = new ClipImagePreprocessor(PreprocessorConfig.Load(folder, config.Vision.ImageSize));
        var pixels = new float[images.Count * preprocessor.SampleLength];
        for (int i = 0; i < images.Count; i++)
        {
            preprocessor.Preprocess(ImageDecoder.Decode(images[i]), pixels, i);
        }

        var classes = labels.Distinct(StringComparer.Ordinal).ToList();
        var prompts = new PromptTemplates([template]);
        var ids = new long[classes.Count * length];
        tokenizer.EncodeBatch([.. classes.Select(c => prompts.Expand(c)[0])], ids);
        var writer = new SafeTensorsWriter();
        writer.Add(ClipGraphNames.PixelValues, pixels, images.Count, 3, preprocessor.ImageSize, preprocessor.ImageSize);
        writer.Add(ClipGraphNames.InputIds, ids, classes.Count, length);
        writer.Add(LabelsName, labels.Select(l => (long)classes.IndexOf(l)).ToArray(), images.Count);
        writer.Metadata["classes"] = System.Text.Json.JsonSerializer.Serialize(classes);
        return writer;
    }
}
