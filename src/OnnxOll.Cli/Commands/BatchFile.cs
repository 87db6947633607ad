using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Model;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Cli.Commands;

/// <summary>A checked batch file: <c>pixel_values</c> [B,3,H,W] f32, <c>input_ids</c> [C,L] i64 (one prompt per class), <c>labels</c> [B] i64.</summary>
public sealed class BatchFile
{
    /// <summary>The name of the labels tensor.</summary>
    public const string LabelsName = "labels";

    private BatchFile(float[] pixels, long[] pixelShape, long[] inputIds, long[] idsShape, long[]? labels)
    {
        Pixels = pixels;
        PixelShape = pixelShape;
        InputIds = inputIds;
        IdsShape = idsShape;
        Labels = labels;
    }

    /// <summary>Preprocessed images, NCHW.</summary>
    public float[] Pixels { get; }

    /// <summary>[B, C, H, W].</summary>
    public long[] PixelShape { get; }

    /// <summary>Token ids, one row per class.</summary>
    public long[] InputIds { get; }

    /// <summary>[C, L].</summary>
    public long[] IdsShape { get; }

    /// <summary>Each image's class in [0, C), or null when not required and absent.</summary>
    public long[]? Labels { get; }

    /// <summary>Number of images B.</summary>
    public int Images => (int)PixelShape[0];

    /// <summary>Number of classes C.</summary>
    public int Classes => (int)IdsShape[0];

    /// <summary>Token length L.</summary>
    public int Length => (int)IdsShape[1];

    /// <summary>Reads and checks <paramref name="path"/> against <paramref name="config"/>; labels are checked when present and required when <paramref name="requireLabels"/>.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing, mis-shaped or out of range; the message names the file and the tensor.</exception>
    public static BatchFile Read(string path, ClipConfig config, bool requireLabels)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: {(Directory.Exists(path) ? "is a folder" : "does not exist")}; expected a batch file. {HowToMake}", path);
        }

        using var file = Open(path);
        var v = config.Vision;
        var pixelShape = Shape(file, ClipGraphNames.PixelValues);
        if (pixelShape.Length != 4 || pixelShape[1] != v.NumChannels || pixelShape[2] != v.ImageSize || pixelShape[3] != v.ImageSize || pixelShape[0] < 1)
        {
            throw Bad(path, ClipGraphNames.PixelValues, pixelShape, $"[B, {v.NumChannels}, {v.ImageSize}, {v.ImageSize}] with B >= 1");
        }

        var idsShape = Shape(file, ClipGraphNames.InputIds);
        int maxLength = config.Text.MaxPositionEmbeddings;
        if (idsShape.Length != 2 || idsShape[0] < 1 || idsShape[1] < 1 || idsShape[1] > maxLength)
        {
            throw Bad(path, ClipGraphNames.InputIds, idsShape, $"[C, L] with C >= 1 and 1 <= L <= {maxLength}");
        }

        var ids = file.ReadInt64(ClipGraphNames.InputIds);
        int vocab = config.Text.VocabSize;
        int badId = Array.FindIndex(ids, id => id < 0 || id >= vocab);
        if (badId >= 0)
        {
            throw new InvalidDataException($"{path}: tensor '{ClipGraphNames.InputIds}' holds token id {ids[badId]} at index {badId}, outside [0, {vocab}).");
        }

        long[]? labels = null;
        if (file.Contains(LabelsName) || requireLabels)
        {
            var labelShape = Shape(file, LabelsName);
            if (labelShape.Length != 1 || labelShape[0] != pixelShape[0])
            {
                throw Bad(path, LabelsName, labelShape, $"[{pixelShape[0]}] (one label per image)");
            }

            labels = file.ReadInt64(LabelsName);
            int bad = Array.FindIndex(labels, l => l < 0 || l >= idsShape[0]);
            if (bad >= 0)
            {
                throw new InvalidDataException($"{path}: tensor '{LabelsName}' holds label {labels[bad]} at index {bad}, outside [0, {idsShape[0]}) (the classes of '{ClipGraphNames.InputIds}').");
            }
        }

        return new BatchFile(file.ReadFiniteFloat32(ClipGraphNames.PixelValues), pixelShape, ids, idsShape, labels);
    }

    private const string HowToMake = "`onnxoll batch --model DIR --images FILES --labels L --out FILE` writes one from images.";

    private static SafeTensorsFile Open(string path)
    {
        try
        {
            return SafeTensorsFile.Open(path);
        }
        catch (SafeTensorsFormatException e)
        {
            throw new InvalidDataException($"{path}: not a safetensors batch file ({e.Message.TrimEnd('.')}). {HowToMake}", e);
        }
    }

    private static long[] Shape(SafeTensorsFile file, string name) =>
        file.Contains(name) ? file.Get(name).Shape : throw new InvalidDataException($"{file.Path}: tensor '{name}' is missing.");

    private static InvalidDataException Bad(string path, string name, long[] shape, string expected) =>
        new($"{path}: tensor '{name}' has shape [{string.Join(", ", shape)}], expected {expected}.");
}
