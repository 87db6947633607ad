using OnnxOll.Clip.Pet;
using OnnxOll.Storage.Checkpoints;
using OnnxOll.Onnx.SafeTensors;

namespace OnnxOll.Deploy.Pet;

/// <summary>Named float tensors read from a file (PET tensors of some source), checked against a <see cref="PetLayout"/> when loaded.</summary>
public sealed class PetTensorSet
{
    private readonly Dictionary<string, NamedTensor> tensors;

    /// <summary>Holds <paramref name="tensors"/>, read from <paramref name="where"/> (named in errors).</summary>
    public PetTensorSet(IEnumerable<NamedTensor> tensors, string where)
    {
        this.tensors = new Dictionary<string, NamedTensor>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (!this.tensors.TryAdd(t.Name, t))
            {
                throw new InvalidDataException($"{where}: tensor '{t.Name}' appears twice.");
            }
        }

        Where = where;
    }

    /// <summary>The file or folder the tensors come from.</summary>
    public string Where { get; }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, NamedTensor> Tensors => tensors;

    /// <summary>Every float tensor of a safetensors file whose name passes <paramref name="keep"/> (all when null).</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors or holds a non-float tensor.</exception>
    public static PetTensorSet ReadSafeTensors(string path, Func<string, bool>? keep = null)
    {
        try
        {
            using var file = SafeTensorsFile.Open(path);
            return new PetTensorSet(
                file.Tensors.Where(i => keep is null || keep(i.Name)).Select(i => new NamedTensor(i.Name, file.ReadFiniteFloat32(i.Name), i.Shape)).ToArray(),
                path);
        }
        catch (SafeTensorsFormatException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>The values for <paramref name="layout"/>: every tensor must be present with its shape, and none may be left over.</summary>
    /// <exception cref="InvalidDataException">The message names the source, the tensor and both shapes.</exception>
    public PetParameters Fill(PetLayout layout)
    {
        var parameters = PetParameters.Create(layout, 0);
        foreach (var info in layout.Tensors)
        {
            if (!tensors.TryGetValue(info.Name, out var t))
            {
                throw new InvalidDataException($"{Where}: PET tensor '{info.Name}' is missing (spec '{layout.Spec}').");
            }

            if (!t.Shape.SequenceEqual(info.Shape))
            {
                throw new InvalidDataException($"{Where}: PET tensor '{info.Name}' has shape [{string.Join(", ", t.Shape)}], the spec needs [{string.Join(", ", info.Shape)}].");
            }

            t.Data.AsSpan().CopyTo(parameters[info.Name]);
        }

        var names = layout.Tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var extra = tensors.Keys.Where(n => !names.Contains(n)).Order(StringComparer.Ordinal).FirstOrDefault();
        return extra is null ? parameters : throw new InvalidDataException($"{Where}: tensor '{extra}' is not part of PET spec '{layout.Spec}'.");
    }
}
