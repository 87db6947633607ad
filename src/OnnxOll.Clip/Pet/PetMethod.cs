namespace OnnxOll.Clip.Pet;

/// <summary>One parameter-efficient tuning method of a <see cref="PetSpec"/>: where it goes (towers, layers).</summary>
public abstract record PetMethod
{
    /// <summary>The towers the method is inserted into.</summary>
    public PetTowers Towers { get; init; } = PetTowers.Both;

    /// <summary>The encoder layers the method covers.</summary>
    public LayerSelection Layers { get; init; } = LayerSelection.All;

    /// <summary>True when the method covers <paramref name="tower"/>.</summary>
    public bool Covers(Model.ClipTower tower) =>
        Towers == PetTowers.Both || (Towers == PetTowers.Image) == (tower == Model.ClipTower.Vision);
}
