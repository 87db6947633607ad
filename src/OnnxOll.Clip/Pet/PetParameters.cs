using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Clip.Pet;

/// <summary>The values of every PET tensor of a <see cref="PetLayout"/> (float32), created from a seed or loaded from safetensors.</summary>
public sealed class PetParameters
{
    private readonly Dictionary<string, float[]> values;

    private PetParameters(PetLayout layout, Dictionary<string, float[]> values)
    {
        Layout = layout;
        this.values = values;
    }

    /// <summary>Names, shapes and insertion points.</summary>
    public PetLayout Layout { get; }

    /// <summary>The values of tensor <paramref name="name"/> (row-major, mutable in place).</summary>
    public float[] this[string name] =>
        values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"'{name}' is not a PET tensor of '{Layout.Spec}'.");

    /// <summary>Every tensor zero: a zero LoRA or bottleneck adapter is the identity, so these run the frozen backbone.</summary>
    public static PetParameters Zero(PetLayout layout) =>
        new(layout, layout.Tensors.ToDictionary(t => t.Name, t => new float[t.ElementCount], StringComparer.Ordinal));

    /// <summary>Fresh parameters: each tensor drawn from its own generator seeded by (<paramref name="seed"/>, name), so values do not depend on the other tensors.</summary>
    public static PetParameters Create(PetLayout layout, int seed)
    {
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var t in layout.Tensors)
        {
            var data = new float[t.ElementCount];
            double bound = t.Init switch
            {
                PetTensorInit.KaimingUniform => 1 / Math.Sqrt(t.FanIn),
                PetTensorInit.XavierUniform => Math.Sqrt(6.0 / (t.FanIn + t.FanOut)),
                _ => 0,
            };
            if (bound > 0)
            {
                var random = new Random(StableSeed(seed, t.Name));
                for (int i = 0; i < data.Length; i++)
                {
                    data[i] = (float)(((2 * random.NextDouble()) - 1) * bound);
                }
            }

            values[t.Name] = data;
        }

        return new PetParameters(layout, values);
    }

    /// <summary>Loads every tensor of the layout from a safetensors file; missing, extra or mis-shaped tensors are errors.</summary>
    /// <exception cref="InvalidDataException">The message names the file, the tensor and both shapes.</exception>
    public static PetParameters Load(string path, PetLayout layout)
    {
        using var file = SafeTensorsFile.Open(path);
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var t in layout.Tensors)
        {
            if (!file.Contains(t.Name))
            {
                throw new InvalidDataException($"{path}: PET tensor '{t.Name}' is missing (spec '{layout.Spec}').");
            }

            var info = file.Get(t.Name);
            if (!info.Shape.SequenceEqual(t.Shape))
            {
                throw new InvalidDataException($"{path}: PET tensor '{t.Name}' has shape [{string.Join(", ", info.Shape)}], the spec needs [{string.Join(", ", t.Shape)}].");
            }

            values[t.Name] = file.ReadFiniteFloat32(t.Name);
        }

        var extra = file.Tensors.FirstOrDefault(i => !values.ContainsKey(i.Name));
        return extra is null
            ? new PetParameters(layout, values)
            : throw new InvalidDataException($"{path}: tensor '{extra.Name}' is not part of PET spec '{layout.Spec}'.");
    }

    /// <summary>Writes every tensor as F32 with the spec in the metadata (<c>pet_spec</c>), and <paramref name="metadata"/> beside it.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var writer = new SafeTensorsWriter();
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            writer.Metadata[key] = value;
        }

        writer.Metadata["pet_spec"] = Layout.Spec.ToString();
        foreach (var t in Layout.Tensors)
        {
            writer.Add(t.Name, values[t.Name], t.Shape);
        }

        writer.Write(path);
    }

    private static int StableSeed(int seed, string name)
    {
        uint h = 2166136261;
        foreach (char c in name)
        {
            h = (h ^ c) * 16777619;
        }

        return (int)(h ^ (uint)seed * 2654435761u);
    }
}
