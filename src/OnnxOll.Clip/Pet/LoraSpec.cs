using System.Globalization;

namespace OnnxOll.Clip.Pet;

/// <summary>LoRA: <c>lora:r=4,alpha=1,towers=both,layers=all,targets=q+v,init=zero</c>; y = xWᵀ + b + (alpha/r)(xAᵀ)Bᵀ.</summary>
public sealed record LoraSpec : PetMethod
{
    /// <summary>Rank r.</summary>
    public int Rank { get; init; } = 4;

    /// <summary>Alpha; the update is scaled by alpha / r.</summary>
    public double Alpha { get; init; } = 1;

    /// <summary>The adapted linear layers, in canonical order.</summary>
    public IReadOnlyList<LoraTarget> Targets { get; init; } = [LoraTarget.Q, LoraTarget.V];

    /// <summary>How A and B start.</summary>
    public LoraInit Init { get; init; } = LoraInit.Zero;

    /// <summary>The update's scale, alpha / r.</summary>
    public double Scale => Alpha / Rank;

    /// <inheritdoc/>
    public bool Equals(LoraSpec? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>The canonical text, every key present.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"lora:r={Rank},alpha={Alpha:R},towers={PetSpecText.Name(Towers)},layers={Layers},targets={string.Join("+", Targets.Select(PetSpecText.Name))},init={PetSpecText.Name(Init)}");
}
