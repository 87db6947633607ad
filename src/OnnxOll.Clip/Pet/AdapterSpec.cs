using System.Globalization;

namespace OnnxOll.Clip.Pet;

/// <summary>Bottleneck adapter: <c>adapter:dim=64,scale=0.1,dropout=0.1,towers=both,layers=all</c>.</summary>
/// <remarks>One adapter per encoder layer, applied to the attention output and to the MLP output:
/// h += a + s·up(drop(relu(down(a)))) for a = attn(ln1 h), then the same for a = mlp(ln2 h). Dropout acts in training graphs only.</remarks>
public sealed record AdapterSpec : PetMethod
{
    /// <summary>Bottleneck width.</summary>
    public int Dim { get; init; } = 64;

    /// <summary>Output scale s.</summary>
    public double Scale { get; init; } = 0.1;

    /// <summary>Dropout ratio after the ReLU (training graphs only).</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>The canonical text, every key present.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"adapter:dim={Dim},scale={Scale:R},dropout={Dropout:R},towers={PetSpecText.Name(Towers)},layers={Layers}");
}
