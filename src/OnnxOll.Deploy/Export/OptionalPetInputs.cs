using OnnxOll.Clip.Pet;
using OnnxOll.Onnx.Graph;
using OnnxOll.Onnx.Proto;

namespace OnnxOll.Deploy.Export;

/// <summary>Makes an inference graph's PET inputs optional: each gets an initializer of zeros under its name, which ONNX Runtime uses when the
/// input is not fed (the base model) and replaces with fed tensors or an active <c>.onnx_adapter</c>.</summary>
/// <remarks>Zeros are the identity of every PET method: LoRA adds (alpha/r)·B·A = 0, and a bottleneck adapter adds
/// scaling·(up.weight·relu(down.weight·a + 0) + 0) = 0 to <c>a</c>. Runtimes whose run() needs every graph input (onnxruntime-web) then run
/// the base model, and an adapter alone, without feeding tensors they lack.</remarks>
public static class OptionalPetInputs
{
    /// <summary>Adds a zero initializer for every graph input of <paramref name="model"/> that is a tensor of <paramref name="layout"/>; returns their names.</summary>
    public static IReadOnlyList<string> AddZeroDefaults(ModelProto model, PetLayout layout)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layout);
        var inputs = model.Graph.Input.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var added = new List<string>();
        foreach (var tensor in layout.Tensors.Where(t => inputs.Contains(t.Name)))
        {
            model.Graph.Initializer.Add(Tensors.Create<float>(tensor.Name, new float[tensor.ElementCount], tensor.Shape));
            added.Add(tensor.Name);
        }

        return added;
    }
}
