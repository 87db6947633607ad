using OnnxOll.Clip.Model.OnnxImport;
using OnnxOll.Clip.Model.Torch;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Clip.Model;

/// <summary>A CLIP model's weights, read as Hugging Face-named tensors and validated against its config.</summary>
/// <remarks>Must be disposed. Reads <c>model.safetensors</c> (memory-mapped), a Hugging Face <c>pytorch_model.bin</c>, an open_clip
/// <c>open_clip_pytorch_model.bin</c>, an OpenAI <c>.pt</c> (OpenAI names mapped by <see cref="OpenAiClipNames"/>) or exported
/// ONNX graphs (weights read out of the graphs by <see cref="ForeignGraphSource"/>; the graphs are not executed).</remarks>
public sealed class ClipWeights : IDisposable
{
    /// <summary>File name of the weights inside a model folder.</summary>
    public const string FileName = "model.safetensors";

    private readonly IClipTensorSource file;
    private readonly Dictionary<string, long[]> shapes;

    private ClipWeights(ClipConfig config, IClipTensorSource file, Dictionary<string, long[]> shapes)
    {
        Config = config;
        this.file = file;
        this.shapes = shapes;
    }

    /// <summary>The config the weights were validated against.</summary>
    public ClipConfig Config { get; }

    /// <summary>The weights file path.</summary>
    public string Path => file.Path;

    /// <summary>The parameter names in a stable order (see <see cref="ClipParameterShapes.For"/>).</summary>
    public IReadOnlyList<string> Names => [.. shapes.Keys];

    /// <summary>Opens a model folder (or weights file) in any layout <see cref="ClipModelFiles.WeightsFile"/> finds, with its config:
    /// config.json for Hugging Face names; for OpenAI names open_clip_config.json, else config.json, else inferred from the shapes.</summary>
    /// <exception cref="InvalidDataException">Bad weights or config; the message names the file and the tensor or field.</exception>
    public static ClipWeights Open(string folderOrFile)
    {
        string weights = ClipModelFiles.WeightsFile(folderOrFile);
        string folder = ClipModelFiles.Folder(folderOrFile);
        if (ClipModelFiles.IsSafeTensors(weights))
        {
            return Open(weights, ClipConfig.Load(folder));
        }

        if (OnnxClipFiles.IsOnnx(weights))
        {
            return OpenOnnx(File.Exists(folderOrFile) ? folderOrFile : folder, ClipConfig.Load(folder));
        }

        var checkpoint = TorchCheckpoint.Open(weights);
        try
        {
            bool openAi = OpenAiClipNames.UsesOpenAiNames(checkpoint.Tensors.Select(t => t.Name));
            string openClip = System.IO.Path.Combine(folder, OpenClipConfig.FileName);
            string hf = System.IO.Path.Combine(folder, ClipConfig.FileName);
            var (config, label) = !openAi ? (ClipConfig.Load(hf), ClipConfig.FileName)
                : File.Exists(openClip) ? (OpenClipConfig.Load(openClip), OpenClipConfig.FileName)
                : File.Exists(hf) ? (ClipConfig.Load(hf), ClipConfig.FileName)
                : (OpenAiConfigInference.Infer(checkpoint.Tensors.ToDictionary(t => t.Name, t => t.Shape), weights), "the config inferred from the shapes");
            return Create(new TorchTensorSource(checkpoint, openAi, ClipParameterShapes.For(config).Select(p => p.Name)), config, label);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>Opens a weights file (safetensors, or a PyTorch archive with Hugging Face or OpenAI names) and checks every expected
    /// tensor is present, float-typed and shaped as the config says.</summary>
    /// <exception cref="InvalidDataException">A missing, extra, non-float or mis-shaped tensor; the message names the file, the tensor and both shapes.</exception>
    /// <exception cref="SafeTensorsFormatException">The file is not well-formed safetensors (for example truncated).</exception>
    public static ClipWeights Open(string weightsPath, ClipConfig config)
    {
        if (ClipModelFiles.IsSafeTensors(weightsPath))
        {
            return Create(new SafeTensorsSource(SafeTensorsFile.Open(weightsPath)), config, ClipConfig.FileName);
        }

        if (OnnxClipFiles.IsOnnx(weightsPath))
        {
            return OpenOnnx(weightsPath, config);
        }

        var checkpoint = TorchCheckpoint.Open(weightsPath);
        try
        {
            bool openAi = OpenAiClipNames.UsesOpenAiNames(checkpoint.Tensors.Select(t => t.Name));
            return Create(new TorchTensorSource(checkpoint, openAi, ClipParameterShapes.For(config).Select(p => p.Name)), config, ClipConfig.FileName);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    // Reads exported graphs (a folder's, or a graph file and its vision/text partner) into Hugging Face-named tensors.
    private static ClipWeights OpenOnnx(string folderOrGraph, ClipConfig config) =>
        Create(new ForeignGraphSource(OnnxClipFiles.Graphs(folderOrGraph) ?? [folderOrGraph], config), config, ClipConfig.FileName);

    /// <summary>The shape of parameter <paramref name="name"/> (as the config requires; <c>logit_scale</c> is []).</summary>
    public long[] Shape(string name) =>
        shapes.TryGetValue(name, out var s) ? s : throw new KeyNotFoundException($"{Path}: '{name}' is not a CLIP parameter.");

    /// <summary>Parameter <paramref name="name"/> converted to float32.</summary>
    /// <exception cref="SafeTensorsFormatException">The tensor holds NaN or an infinity.</exception>
    public float[] ReadFloat32(string name)
    {
        Shape(name);
        return file.ReadFloat32(name);
    }

    /// <summary>True when the source keeps some linear weights as symmetric int8 (see <see cref="ReadInt8"/>).</summary>
    public bool HasInt8 => file is IClipInt8Source int8 && shapes.Keys.Any(n => int8.ReadInt8(n) is not null);

    /// <summary>Linear weight <paramref name="name"/> as the source stores it when that is symmetric int8 (an int8 ONNX export's
    /// MatMulInteger weight with zero point 0), so OnnxOll's int8 frozen weights keep it as it is; null otherwise.</summary>
    public ClipInt8Weight? ReadInt8(string name)
    {
        Shape(name);
        return file is IClipInt8Source int8 ? int8.ReadInt8(name) : null;
    }

    /// <summary>The pretrained logit scale (before exp).</summary>
    public float LogitScale => ReadFloat32("logit_scale")[0];

    /// <inheritdoc/>
    public void Dispose() => file.Dispose();

    private static ClipWeights Create(IClipTensorSource source, ClipConfig config, string configLabel)
    {
        try
        {
            return new ClipWeights(config, source, Validate(source, config, configLabel));
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    private static Dictionary<string, long[]> Validate(IClipTensorSource file, ClipConfig config, string configLabel)
    {
        var expected = ClipParameterShapes.For(config);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, shape) in expected)
        {
            shapes[name] = shape;
            if (!file.Contains(name))
            {
                problems.Add($"tensor {file.Describe(name)} is missing ({configLabel} needs it, of shape {ClipParameterShapes.Format(shape)})");
                continue;
            }

            var (actual, dtype, isFloat) = file.Info(name);
            bool scalarOk = name == "logit_scale" && actual.Aggregate(1L, (a, b) => a * b) == 1 && actual.Length <= 1;
            if (!scalarOk && !actual.SequenceEqual(shape))
            {
                string hint = name.EndsWith("_projection.weight", StringComparison.Ordinal) && configLabel == ClipConfig.FileName
                    ? $" (config.json projection_dim is {config.ProjectionDim}; 512 is Hugging Face's default when the field is absent)"
                    : string.Empty;
                problems.Add($"tensor {file.Describe(name)} has shape {ClipParameterShapes.Format(actual)}, {configLabel} needs {ClipParameterShapes.Format(shape)}{hint}");
            }
            else if (!isFloat)
            {
                problems.Add($"tensor {file.Describe(name)} has dtype {dtype}, expected a float type");
            }
        }

        foreach (string name in file.Names)
        {
            if (!shapes.ContainsKey(name) && !ClipParameterShapes.IgnoredBuffers.Contains(name))
            {
                problems.Add($"tensor '{name}' (shape {ClipParameterShapes.Format(file.Info(name).Shape)}) is not a parameter of the CLIP that {configLabel} describes");
            }
        }

        if (problems.Count > 0)
        {
            string more = problems.Count > 1 ? $" (and {problems.Count - 1} more problem(s))" : "";
            throw new InvalidDataException($"{file.Path}: {problems[0]}{more}.");
        }

        return shapes;
    }
}
