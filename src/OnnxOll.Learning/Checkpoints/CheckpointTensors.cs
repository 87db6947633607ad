using System.Globalization;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Learning.Checkpoints;

/// <summary>Maps a checkpoint's PET tensors and AdamW moments (<c>name.adam_m</c>, <c>name.adam_v</c>) to and from one safetensors file.</summary>
internal static class CheckpointTensors
{
    public const string FirstMomentSuffix = ".adam_m";
    public const string SecondMomentSuffix = ".adam_v";

    /// <summary>A writer holding the PET tensors, then the moments shaped like their parameters; metadata names the model and PET spec.</summary>
    public static SafeTensorsWriter Build(Checkpoint checkpoint)
    {
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = CheckpointManifest.FormatName;
        writer.Metadata["step"] = checkpoint.Step.ToString(CultureInfo.InvariantCulture);
        writer.Metadata["model_hash"] = checkpoint.ModelHash;
        writer.Metadata["pet_spec"] = checkpoint.PetSpec;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var t in checkpoint.Tensors)
        {
            writer.Add(t.Name, t.Data, t.Shape);
            shapes[t.Name] = t.Shape;
        }

        if (checkpoint.Optimizer is { } state)
        {
            AddMoments(writer, state.FirstMoments, FirstMomentSuffix, shapes);
            AddMoments(writer, state.SecondMoments, SecondMomentSuffix, shapes);
        }

        return writer;
    }

    private static void AddMoments(SafeTensorsWriter writer, IReadOnlyDictionary<string, float[]> moments, string suffix, Dictionary<string, long[]> shapes)
    {
        foreach (var (name, data) in moments.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            long[] shape = shapes.TryGetValue(name, out var s) && s.Aggregate(1L, (a, d) => a * d) == data.Length ? s : [data.Length];
            writer.Add(name + suffix, data, shape);
        }
    }

    /// <summary>Reads the PET tensors and the moments keyed by parameter name; format errors become <see cref="InvalidDataException"/>.</summary>
    public static (List<NamedTensor> Tensors, Dictionary<string, float[]> M, Dictionary<string, float[]> V) Read(string tensorsPath)
    {
        var tensors = new List<NamedTensor>();
        var m = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var v = new Dictionary<string, float[]>(StringComparer.Ordinal);
        try
        {
            using var file = SafeTensorsFile.Open(tensorsPath);
            foreach (var info in file.Tensors)
            {
                var data = file.ReadFloat32(info.Name);
                if (info.Name.EndsWith(FirstMomentSuffix, StringComparison.Ordinal))
                {
                    m[info.Name[..^FirstMomentSuffix.Length]] = data;
                }
                else if (info.Name.EndsWith(SecondMomentSuffix, StringComparison.Ordinal))
                {
                    v[info.Name[..^SecondMomentSuffix.Length]] = data;
                }
                else
                {
                    tensors.Add(new NamedTensor(info.Name, data, info.Shape));
                }
            }
        }
        catch (SafeTensorsFormatException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }

        return (tensors, m, v);
    }
}
