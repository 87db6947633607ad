using System.Globalization;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Storage.Checkpoints;

/// <summary>Maps a checkpoint's PET tensors, AdamW moments (<c>name.adam_m</c>, <c>name.adam_v</c>) and learner state (<c>state:name</c>)
/// to and from one safetensors file.</summary>
internal static class CheckpointTensors
{
    public const string FirstMomentSuffix = ".adam_m";
    public const string SecondMomentSuffix = ".adam_v";
    public const string StatePrefix = "state:";

    /// <summary>A writer holding the PET tensors, then the moments shaped like their parameters; metadata names the model and PET spec.</summary>
    public static SafeTensorsWriter Build(Checkpoint checkpoint)
    {
        var writer = new SafeTensorsWriter();
        writer.Metadata["format"] = CheckpointManifest.FormatName;
        writer.Metadata["step"] = checkpoint.Step.ToString(CultureInfo.InvariantCulture);
        writer.Metadata[ModelHash.MetadataKey] = checkpoint.ModelHash;
        writer.Metadata["pet_spec"] = checkpoint.PetSpec;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var t in checkpoint.Tensors)
        {
            writer.Add(t.Name, t.Data, t.Shape);
            shapes[t.Name] = t.Shape;
        }

        if (checkpoint.Optimizer is { } optimizer)
        {
            AddMoments(writer, optimizer.FirstMoments, FirstMomentSuffix, shapes);
            AddMoments(writer, optimizer.SecondMoments, SecondMomentSuffix, shapes);
        }

        foreach (var t in checkpoint.State ?? [])
        {
            writer.Add(StatePrefix + t.Name, t.Data, t.Shape);
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

    /// <summary>Reads the PET tensors and the moments keyed by parameter name, checked against the manifest: metadata, finite values,
    /// one moment pair per tensor of its length. Every problem is an <see cref="InvalidDataException"/> naming the file and tensor.</summary>
    public static (List<NamedTensor> Tensors, Dictionary<string, float[]> M, Dictionary<string, float[]> V, List<NamedTensor> State) Read(string tensorsPath, CheckpointManifest manifest)
    {
        var tensors = new List<NamedTensor>();
        var state = new List<NamedTensor>();
        var m = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var v = new Dictionary<string, float[]>(StringComparer.Ordinal);
        string file = Path.GetFileName(tensorsPath);
        try
        {
            using var safetensors = SafeTensorsFile.Open(tensorsPath);
            CheckMetadata(safetensors, manifest, file);
            foreach (var info in safetensors.Tensors)
            {
                var data = safetensors.ReadFloat32(info.Name);
                int bad = Array.FindIndex(data, x => !float.IsFinite(x));
                if (bad >= 0)
                {
                    throw new InvalidDataException($"tensors file '{file}': tensor '{info.Name}' holds {data[bad]} at element {bad}; checkpoints hold finite values only.");
                }

                if (info.Name.StartsWith(StatePrefix, StringComparison.Ordinal))
                {
                    state.Add(new NamedTensor(info.Name[StatePrefix.Length..], data, info.Shape));
                }
                else if (info.Name.EndsWith(FirstMomentSuffix, StringComparison.Ordinal))
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

        if (m.Count + v.Count > 0)
        {
            foreach (var t in tensors)
            {
                if (!m.TryGetValue(t.Name, out var first) || !v.TryGetValue(t.Name, out var second) || first.Length != t.Data.Length || second.Length != t.Data.Length)
                {
                    throw new InvalidDataException($"tensors file '{file}': the AdamW moments of tensor '{t.Name}' are missing or not of its {t.Data.Length} elements.");
                }
            }

            if (m.Count != tensors.Count || v.Count != tensors.Count)
            {
                throw new InvalidDataException($"tensors file '{file}': {m.Count} first and {v.Count} second AdamW moments for {tensors.Count} tensors.");
            }
        }

        return (tensors, m, v, state);
    }

    private static void CheckMetadata(SafeTensorsFile file, CheckpointManifest manifest, string name)
    {
        var expected = new Dictionary<string, string>
        {
            ["format"] = CheckpointManifest.FormatName,
            ["step"] = manifest.Step.ToString(CultureInfo.InvariantCulture),
            ["model_hash"] = manifest.ModelHash,
            ["pet_spec"] = manifest.PetSpec,
        };
        foreach (var (key, value) in expected)
        {
            string actual = file.Metadata.TryGetValue(key, out var stored) ? stored : "(none)";
            if (!string.Equals(actual, value, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"tensors file '{name}': metadata '{key}' is '{actual}', the manifest says '{value}'.");
            }
        }
    }
}
