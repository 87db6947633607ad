using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Clip.Model;

/// <summary>A CLIP model's <c>model.safetensors</c> (Hugging Face names), memory-mapped and validated against its config.</summary>
/// <remarks>Must be disposed. Only Hugging Face naming is accepted (OpenAI / open_clip checkpoints are not converted).</remarks>
public sealed class ClipWeights : IDisposable
{
    /// <summary>File name of the weights inside a model folder.</summary>
    public const string FileName = "model.safetensors";

    private readonly SafeTensorsFile file;
    private readonly Dictionary<string, long[]> shapes;

    private ClipWeights(ClipConfig config, SafeTensorsFile file, Dictionary<string, long[]> shapes)
    {
        Config = config;
        this.file = file;
        this.shapes = shapes;
    }

    /// <summary>The config the weights were validated against.</summary>
    public ClipConfig Config { get; }

    /// <summary>The safetensors file path.</summary>
    public string Path => file.Path;

    /// <summary>The parameter names in a stable order (see <see cref="ClipParameterShapes.For"/>).</summary>
    public IReadOnlyList<string> Names => [.. shapes.Keys];

    /// <summary>Opens a model folder: reads config.json and model.safetensors and validates one against the other.</summary>
    public static ClipWeights Open(string folder) => Open(System.IO.Path.Combine(folder, FileName), ClipConfig.Load(folder));

    /// <summary>Opens a safetensors file and checks every expected tensor is present, float-typed and shaped as the config says.</summary>
    /// <exception cref="InvalidDataException">A missing, extra, non-float or mis-shaped tensor; the message names the file, the tensor and both shapes.</exception>
    /// <exception cref="SafeTensorsFormatException">The file is not well-formed safetensors (for example truncated).</exception>
    public static ClipWeights Open(string safetensorsPath, ClipConfig config)
    {
        var file = SafeTensorsFile.Open(safetensorsPath);
        try
        {
            var shapes = Validate(file, config);
            return new ClipWeights(config, file, shapes);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The shape of parameter <paramref name="name"/> (as the config requires; <c>logit_scale</c> is []).</summary>
    public long[] Shape(string name) =>
        shapes.TryGetValue(name, out var s) ? s : throw new KeyNotFoundException($"{Path}: '{name}' is not a CLIP parameter.");

    /// <summary>Parameter <paramref name="name"/> converted to float32.</summary>
    /// <exception cref="SafeTensorsFormatException">The tensor holds NaN or an infinity.</exception>
    public float[] ReadFloat32(string name)
    {
        Shape(name);
        return file.ReadFiniteFloat32(name);
    }

    /// <summary>The pretrained logit scale (before exp).</summary>
    public float LogitScale => ReadFloat32("logit_scale")[0];

    /// <inheritdoc/>
    public void Dispose() => file.Dispose();

    private static Dictionary<string, long[]> Validate(SafeTensorsFile file, ClipConfig config)
    {
        var expected = ClipParameterShapes.For(config);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (name, shape) in expected)
        {
            shapes[name] = shape;
            if (!file.Contains(name))
            {
                problems.Add($"tensor '{name}' is missing (config.json needs it, of shape {ClipParameterShapes.Format(shape)})");
                continue;
            }

            var info = file.Get(name);
            bool scalarOk = name == "logit_scale" && info.ElementCount == 1 && info.Shape.Length <= 1;
            if (!scalarOk && !info.Shape.SequenceEqual(shape))
            {
                string hint = name.EndsWith("_projection.weight", StringComparison.Ordinal)
                    ? $" (config.json projection_dim is {config.ProjectionDim}; 512 is Hugging Face's default when the field is absent)"
                    : string.Empty;
                problems.Add($"tensor '{name}' has shape {ClipParameterShapes.Format(info.Shape)}, config.json needs {ClipParameterShapes.Format(shape)}{hint}");
            }
            else if (info.DType is not (SafeTensorDType.F32 or SafeTensorDType.F16 or SafeTensorDType.BF16 or SafeTensorDType.F64))
            {
                problems.Add($"tensor '{name}' has dtype {info.DType}, expected a float type");
            }
        }

        foreach (var info in file.Tensors)
        {
            if (!shapes.ContainsKey(info.Name) && !ClipParameterShapes.IgnoredBuffers.Contains(info.Name))
            {
                problems.Add($"tensor '{info.Name}' (shape {ClipParameterShapes.Format(info.Shape)}) is not a parameter of the CLIP that config.json describes");
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
