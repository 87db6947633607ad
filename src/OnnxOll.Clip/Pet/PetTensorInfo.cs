namespace OnnxOll.Clip.Pet;

/// <summary>One PET tensor: its name (the graph input name), shape and how it starts.</summary>
/// <param name="Name">Tensor (and graph input) name.</param>
/// <param name="Shape">Tensor shape.</param>
/// <param name="Init">How the tensor is initialised.</param>
/// <param name="FanIn">Fan-in used by the uniform initialisers.</param>
/// <param name="FanOut">Fan-out used by Xavier initialisation.</param>
public sealed record PetTensorInfo(string Name, long[] Shape, PetTensorInit Init, int FanIn, int FanOut)
{
    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
