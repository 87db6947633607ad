using OnnxOll.Clip.Graphs;
using OnnxOll.Clip.Pet;
using OnnxOll.Runtime;

namespace OnnxOll.Inference;

/// <summary>Binds the PET tensors a session takes (and optionally their gradient outputs) to preallocated tensors of a run.</summary>
public sealed class PetBinding
{
    private readonly (PetTensorInfo Info, BoundTensor Value, BoundTensor? Gradient)[] slots;

    /// <summary>Binds every PET input <paramref name="session"/> declares, optional ones (with a zero default, as in exports) included; with
    /// <paramref name="gradients"/>, also each <c>&lt;name&gt;.grad</c> output.</summary>
    public PetBinding(OnnxSession session, BoundRun run, PetLayout layout, bool gradients)
    {
        var inputs = session.InputNames.Concat(session.OptionalInputNames).ToHashSet(StringComparer.Ordinal);
        slots = layout.Tensors
            .Where(t => inputs.Contains(t.Name))
            .Select(t => (t, run.Input(t.Name, t.Shape), gradients ? run.Output(ClipGraphNames.Gradient(t.Name), t.Shape) : null))
            .ToArray();
    }

    /// <summary>Number of PET tensors bound.</summary>
    public int Count => slots.Length;

    /// <summary>Copies the current PET values into the bound inputs.</summary>
    public void CopyIn(PetParameters parameters)
    {
        foreach (var (info, value, _) in slots)
        {
            parameters[info.Name].AsSpan().CopyTo(value.AsSpan<float>());
        }
    }

    /// <summary>Copies the gradients of the last run into <paramref name="destination"/> (by PET name).</summary>
    public void CopyGradientsOut(IReadOnlyDictionary<string, float[]> destination)
    {
        foreach (var (info, _, gradient) in slots)
        {
            gradient!.AsSpan<float>().CopyTo(destination[info.Name]);
        }
    }
}
